// The Windows carriers (docs/PROTOCOL.md 3) on our own socket, CONNECT and
// SChannel TLS (docs/ARCHITECTURE.md says why not WinHTTP). Both implement
// session::Carrier, so SessionStream runs over them unchanged.
#pragma once

#include <memory>
#include <string>

#include "session/carrier.h"
#include "session/transport.h"
#include "winnet/config.h"

namespace winnet {

// Stream mode: a streamed chunked GET downlink and a chunked POST uplink.
// Returns once both are up (the relay answered the GET with 200 and the
// POST head went out); throws session::CarrierError otherwise.
std::unique_ptr<session::Carrier> connect_stream_carrier(const Config& cfg, const std::string& token);
session::CarrierFactory stream_carrier_factory(Config cfg, std::string token);
// A stream-mode probe (`?probe=1`): may send only pings, receives only their
// pongs, and leaves the session's delivery alone (docs/PROTOCOL.md 3,
// "Moving back to stream mode").
std::unique_ptr<session::Carrier> connect_stream_probe(const Config& cfg, const std::string& token);

// Poll mode: bounded requests, POST /v1/poll/up and two long polls
// GET /v1/poll/down applied in X-Tether-Seq order. Returns after the first
// poll (wait=0) was answered.
std::unique_ptr<session::Carrier> connect_poll_carrier(const Config& cfg, const std::string& token);
session::CarrierFactory poll_carrier_factory(Config cfg, std::string token);

// The Windows carriers as the platform's CarrierMaker, and the shared
// transport choice over them (session/transport.h: automatic choice,
// fallback to poll mode, moving back, the memory file, pinning).
session::CarrierMaker carrier_maker(const Config& cfg, const std::string& token);
session::CarrierFactory transport_factory(Config cfg, std::string token, session::TransportPolicy policy,
                                          session::TransportLog log = {});

}  // namespace winnet
