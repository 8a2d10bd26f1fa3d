// Poll-mode carrier (docs/PROTOCOL.md 3): bounded requests only, for proxies
// that buffer or scan streamed bodies. Frames go up in `POST /v1/poll/up`
// bodies with a Content-Length; they come down in answers to long-poll
// `GET /v1/poll/down`, two of which are kept outstanding so that data never
// waits for a round trip. Connections are kept alive between requests.
#pragma once

#include <memory>
#include <string>

#include "session/carrier.h"
#include "tunnel/http_settings.h"

namespace tunnel {

// Connects (one first poll answered at once, so that errors surface here) and
// returns a running carrier. Throws CarrierError, `fatal` when retrying cannot
// help (proxy refused, session unknown).
std::unique_ptr<session::Carrier> connect_poll_carrier(const EndpointConfig& cfg, const std::string& token);

session::CarrierFactory poll_carrier_factory(EndpointConfig cfg, std::string token);

}  // namespace tunnel
