// Which carrier a session uses: stream mode when the path really streams,
// poll mode when something in between buffers, scans or refuses streams.
// Chosen by an active probe, remembered per proxy, pinnable by the admin
// (proxy.conf `transport = auto|stream|poll`). Code above the session stream
// never learns the answer except as a status line.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "session/carrier.h"
#include "tunnel/carrier_poll.h"
#include "tunnel/http_settings.h"

namespace tunnel {

enum class TransportMode { automatic, stream, poll };

// "auto", "stream", "poll"; throws std::invalid_argument otherwise.
TransportMode parse_transport_mode(const std::string& text);
const char* to_string(TransportMode mode);

struct TransportPolicy {
    TransportMode mode = TransportMode::automatic;
    // Where the choice per (proxy, relay) is remembered between runs; empty:
    // not remembered. A path whose stream probe failed at session start is
    // remembered as "poll" and skips the probe for a day.
    std::string memory_file;
    // A stream-mode ping whose pong is not back within this time means the
    // path buffers (ms). Loopback answers in < 1 ms; intercontinental paths
    // through a proxy in ~300 ms; a buffering proxy never.
    std::chrono::milliseconds echo_timeout{2500};
    // Bound on connecting one stream-mode carrier while probing, so that
    // Connect to a working session stays under 10 s in the worst case.
    std::chrono::milliseconds stream_connect_budget{4000};
    // A session that uses poll mode by automatic choice (not pinned, not
    // plain HTTP) tests stream mode again after this long, beside the running
    // session (a probe that leaves its delivery alone), and moves back when
    // stream mode echoes; the wait doubles after every failed test, up to
    // stream_retry_max. Zero: never move back.
    std::chrono::milliseconds stream_retry{60000};
    std::chrono::milliseconds stream_retry_max{15 * 60000};
};

// Emits one line per decision ("stream mode does not echo through this path
// (something buffers): using poll mode"); may be empty.
using TransportLog = std::function<void(const std::string&)>;

// A CarrierFactory for SessionStream. In automatic mode each call probes
// stream mode (connect, then a ping that must echo promptly) unless poll mode
// was chosen for this path, and falls back to poll mode; a stream carrier
// that breaks is tried once more before the session moves to poll mode. In
// poll mode the session moves back to stream mode once it works again
// (TransportPolicy::stream_retry), without loss and without "reconnecting".
// Fatal errors of stream mode that poll mode shares (proxy refused CONNECT,
// bad credentials, session gone) are rethrown.
session::CarrierFactory transport_factory(EndpointConfig cfg, std::string token, TransportPolicy policy,
                                 TransportLog log = {});

// One stream-mode probe for `tether-tunnel probe`: connects and measures the
// echo. Returns the round trip, or throws CarrierError saying what failed.
std::chrono::microseconds probe_stream_echo(const EndpointConfig& cfg, const std::string& token,
                                            std::chrono::milliseconds echo_timeout);
// The same in poll mode.
std::chrono::microseconds probe_poll_echo(const EndpointConfig& cfg, const std::string& token,
                                          std::chrono::milliseconds echo_timeout);

}  // namespace tunnel
