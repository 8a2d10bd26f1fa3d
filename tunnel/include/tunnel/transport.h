// Which carrier a Linux session uses (see session/transport.h for the
// choice itself, shared with Windows): the libcurl carriers of tunnel/ as
// the session's CarrierMaker.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "session/transport.h"
#include "tunnel/carrier_poll.h"
#include "tunnel/http_settings.h"

namespace tunnel {

using session::TransportMode;
using session::TransportPolicy;
using session::TransportLog;
using session::parse_transport_mode;
using session::to_string;

// The libcurl carriers for (cfg, token) as a CarrierMaker.
session::CarrierMaker carrier_maker(const EndpointConfig& cfg, const std::string& token);

// A CarrierFactory for SessionStream (session::transport_factory over
// carrier_maker). In automatic mode each call probes
// stream mode (connect, then a ping that must echo promptly) unless poll mode
// was chosen for this path, and falls back to poll mode; a stream carrier
// that breaks is tried once more before the session moves to poll mode. In
// poll mode the session moves back to stream mode once it works again
// (TransportPolicy::stream_retry), without loss and without "reconnecting".
// Fatal errors of stream mode that poll mode shares (proxy refused CONNECT,
// bad credentials, session gone) are rethrown.
session::CarrierFactory transport_factory(EndpointConfig cfg, std::string token, TransportPolicy policy,
                                 TransportLog log = {}, std::shared_ptr<session::TransportWatch> watch = nullptr);
// One stream-mode probe for `tether-tunnel probe`: connects and measures the
// echo. Returns the round trip, or throws CarrierError saying what failed.
std::chrono::microseconds probe_stream_echo(const EndpointConfig& cfg, const std::string& token,
                                            std::chrono::milliseconds echo_timeout);
// The same in poll mode.
std::chrono::microseconds probe_poll_echo(const EndpointConfig& cfg, const std::string& token,
                                          std::chrono::milliseconds echo_timeout);

}  // namespace tunnel
