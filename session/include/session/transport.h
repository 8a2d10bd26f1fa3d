// Which carrier a session uses: stream mode when the path really streams,
// poll mode when something in between buffers, scans or refuses streams.
// Chosen by an active probe, remembered per proxy, pinnable by the admin
// (proxy.conf `transport = auto|stream|poll`). Code above the session stream
// never picks a carrier; it may watch which mode is in use (TransportWatch),
// e.g. for the session record. Platform-neutral: the
// carriers come from a CarrierMaker (tunnel/ on Linux, winnet/ on Windows).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "session/carrier.h"

namespace session {

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

// Which mode the session's carrier uses, as the choice below hands them out:
// stream or poll (automatic: no carrier yet). Shared by the factory (set)
// and whoever shows or records it (current, listen). Thread-safe.
class TransportWatch {
public:
    using Listener = std::function<void(TransportMode)>;
    TransportMode current() const;
    // Called with each change from now on, on the thread that made the
    // carrier (the session stream's); nullptr stops it. Keep it short: the
    // new carrier waits for it.
    void listen(Listener l);
    void set(TransportMode m);  // a carrier of mode `m` was handed out

private:
    mutable std::mutex mu_;
    TransportMode mode_ = TransportMode::automatic;
    Listener listener_;
};

// A stream-mode probe carrier (`?probe=1`, docs/PROTOCOL.md 3) made in two
// steps, so that close() from another thread ends a test in progress even
// while it connects: made at once, connected by wait_ready().
class ProbeCarrier : public Carrier {
public:
    virtual void wait_ready() = 0;  // throws CarrierError
};

// How one platform makes the carriers of one session (its token, relay,
// proxy and trust are bound in). Each function blocks until its carrier is
// up and throws CarrierError.
struct CarrierMaker {
    // A stream carrier whose connect is bounded by `budget`, or by the
    // configuration's own bound when `budget` is zero (pinned stream mode).
    std::function<std::unique_ptr<Carrier>(std::chrono::milliseconds budget)> stream;
    std::function<std::unique_ptr<Carrier>()> poll;
    // A probe, not yet connected; its connect bounded by `budget`.
    std::function<std::shared_ptr<ProbeCarrier>(std::chrono::milliseconds budget)> probe;
    std::string path_key;    // names the (proxy, relay) path in the memory file; no spaces
    bool poll_only = false;  // e.g. an allowed plain-HTTP relay: poll mode only
};

// A CarrierFactory for SessionStream. In automatic mode each call probes
// stream mode (connect, then a ping that must echo promptly) unless poll mode
// was chosen for this path, and falls back to poll mode; a stream carrier
// that breaks is tried once more before the session moves to poll mode. In
// poll mode the session moves back to stream mode once it works again
// (TransportPolicy::stream_retry), without loss and without "reconnecting".
// Fatal errors of stream mode that poll mode shares (proxy refused CONNECT,
// bad credentials, session gone) are rethrown.
// `watch` (optional) learns the mode of every carrier handed out.
CarrierFactory transport_factory(CarrierMaker maker, TransportPolicy policy, TransportLog log = {},
                                 std::shared_ptr<TransportWatch> watch = nullptr);

// Sends a ping and waits up to `timeout` for its pong: the round trip, or
// CarrierError("... does not echo ..."). For `probe` commands.
std::chrono::microseconds echo_round_trip(Carrier& c, std::chrono::milliseconds timeout);

}  // namespace session
