// Stream-mode carrier (docs/PROTOCOL.md 3): one long-lived `GET
// /v1/stream/down` brings frames from the relay, one chunked `POST
// /v1/stream/up` takes frames to it. Directly or through an HTTP proxy
// (always CONNECT, then TLS to the relay). Idle uplinks send pings; a
// carrier that received nothing for 3 heartbeats throws CarrierError.
#pragma once

#include <memory>
#include <string>

#include "session/carrier.h"
#include "tunnel/http_settings.h"

namespace tunnel {

// Connects both directions for the session `token` and returns once both are
// established (blocking, bounded by cfg.connect_timeout). Throws CarrierError
// with a sentence for a person; `fatal` when retrying cannot help (proxy
// refused CONNECT or the credentials, session unknown to the relay...).
// receive() hands over every frame, including the relay's ping/peer/end and
// the pongs of the caller's pings; the carrier's own heartbeat pings carry
// stamps with the top bit set, and their pongs are swallowed.
std::unique_ptr<session::Carrier> connect_stream_carrier(const EndpointConfig& cfg,
                                                const std::string& token);

// A CarrierFactory for SessionStream: each call connects a new carrier.
session::CarrierFactory stream_carrier_factory(EndpointConfig cfg, std::string token);

}  // namespace tunnel
