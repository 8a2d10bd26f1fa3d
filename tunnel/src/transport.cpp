// Automatic choice between stream and poll mode (see tunnel/transport.h).
#include "tunnel/transport.h"

#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "tunnel/carrier_stream.h"

namespace tunnel {
namespace {

using Clock = std::chrono::steady_clock;

// The probe's ping stamp. SessionStream never sends it (its stamps are
// clock readings), so its pong is recognised and kept from the layers above.
constexpr std::uint64_t kProbeStamp = 0x7e7e5e5e00000000ULL;

// How long a remembered "poll" skips the stream probe (s): paths change
// (another proxy, a new policy), so the probe runs again now and then.
constexpr long long kMemorySeconds = 24 * 3600;

// Frames that arrived while we waited for the probe's pong are handed to
// the session stream first, in order.
class ProbedCarrier : public Carrier {
public:
    ProbedCarrier(std::unique_ptr<Carrier> inner, std::deque<wire::Frame> early)
        : inner_(std::move(inner)), early_(std::move(early)) {}
    void send(std::string frames) override { inner_->send(std::move(frames)); }
    bool receive(wire::Frame& out, std::chrono::milliseconds timeout) override {
        if (!early_.empty()) {
            out = std::move(early_.front());
            early_.pop_front();
            return true;
        }
        for (;;) {
            if (!inner_->receive(out, timeout)) return false;
            if (!is_probe_pong(out)) return true;
        }
    }
    void close() override { inner_->close(); }
    std::string describe() const override { return inner_->describe(); }

    static bool is_probe_pong(const wire::Frame& f) {
        return f.type == wire::FrameType::pong && f.payload.size() == 8 && wire::payload_u64(f) == kProbeStamp;
    }

private:
    std::unique_ptr<Carrier> inner_;
    std::deque<wire::Frame> early_;
};

// Sends the probe ping and waits for its pong; frames seen meanwhile are kept.
// Returns the round trip, or throws CarrierError("... does not echo ...").
std::chrono::microseconds echo(Carrier& c, std::chrono::milliseconds timeout,
                               std::deque<wire::Frame>& early) {
    std::string ping;
    wire::append_u64_frame(ping, wire::FrameType::ping, kProbeStamp);
    auto start = Clock::now();
    c.send(ping);
    auto deadline = start + timeout;
    wire::Frame f;
    while (Clock::now() < deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (!c.receive(f, left)) continue;
        if (ProbedCarrier::is_probe_pong(f))
            return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
        early.push_back(std::move(f));
    }
    throw CarrierError(c.describe() + " does not echo within " + std::to_string(timeout.count()) +
                       " ms: something on the path buffers or holds streamed data");
}

std::string memory_key(const EndpointConfig& cfg) {
    return (cfg.proxy_url.empty() ? std::string("DIRECT") : cfg.proxy_url) + "|" + cfg.relay_url;
}

long long now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
}

// The memory file: one line per path, "key mode unix-seconds". Unreadable or
// malformed lines are ignored: the memory is a hint, never a requirement.
bool remembered_poll(const std::string& file, const std::string& key) {
    std::ifstream in(file);
    std::string line;
    bool poll = false;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string k, mode;
        long long when = 0;
        if (fields >> k >> mode >> when && k == key)
            poll = mode == "poll" && now_seconds() - when < kMemorySeconds;
    }
    return poll;
}

void remember(const std::string& file, const std::string& key, const char* mode) {
    if (file.empty()) return;
    std::ofstream out(file, std::ios::app);  // last line for a key wins
    if (out) out << key << ' ' << mode << ' ' << now_seconds() << '\n';
}

// Shared by every call of one factory: what this session learned.
struct Chooser {
    EndpointConfig cfg;
    std::string token;
    TransportPolicy policy;
    TransportLog log;
    std::mutex mu;
    bool use_poll = false;
    int stream_failures = 0;  // consecutive

    void say(const std::string& line) { if (log) log(line); }

    std::unique_ptr<Carrier> stream_probed() {
        EndpointConfig c = cfg;
        c.connect_timeout = std::min(c.connect_timeout, policy.stream_connect_budget);
        auto carrier = connect_stream_carrier(c, token);
        std::deque<wire::Frame> early;
        echo(*carrier, policy.echo_timeout, early);
        return std::make_unique<ProbedCarrier>(std::move(carrier), std::move(early));
    }

    std::unique_ptr<Carrier> poll() { return connect_poll_carrier(cfg, token); }

    std::unique_ptr<Carrier> next() {
        if (policy.mode == TransportMode::stream) return connect_stream_carrier(cfg, token);
        if (policy.mode == TransportMode::poll || is_plain_http(cfg.relay_url)) return poll();
        std::lock_guard<std::mutex> lk(mu);
        bool first = first_;
        first_ = false;
        if (!use_poll) {
            try {
                auto c = stream_probed();
                stream_failures = 0;
                return c;
            } catch (const CarrierError& e) {
                if (e.fatal) throw;
                // At session start, fall back at once (the 10 s budget);
                // mid-session, give stream mode one more attempt first.
                if (++stream_failures < 2 && !first) throw;
                say("stream mode failed (" + std::string(e.what()) + "): using poll mode");
                use_poll = true;
                // Only a path that fails the probe at session start is
                // remembered: a break mid-session may be a passing fault.
                if (first) remember(policy.memory_file, memory_key(cfg), "poll");
            }
        }
        return poll();
    }

    bool first_ = true;  // under mu
};

}  // namespace

TransportMode parse_transport_mode(const std::string& text) {
    if (text == "auto" || text == "automatic") return TransportMode::automatic;
    if (text == "stream") return TransportMode::stream;
    if (text == "poll") return TransportMode::poll;
    throw std::invalid_argument("transport must be auto, stream or poll, not '" + text + "'");
}

const char* to_string(TransportMode mode) {
    switch (mode) {
    case TransportMode::stream: return "stream";
    case TransportMode::poll: return "poll";
    default: return "auto";
    }
}

CarrierFactory transport_factory(EndpointConfig cfg, std::string token, TransportPolicy policy,
                                 TransportLog log) {
    auto chooser = std::make_shared<Chooser>();
    chooser->cfg = std::move(cfg);
    chooser->token = std::move(token);
    chooser->policy = std::move(policy);
    chooser->log = std::move(log);
    if (chooser->policy.mode == TransportMode::automatic && !chooser->policy.memory_file.empty() &&
        remembered_poll(chooser->policy.memory_file, memory_key(chooser->cfg))) {
        chooser->use_poll = true;
        chooser->say("poll mode (remembered for this proxy)");
    }
    return [chooser] { return chooser->next(); };
}

std::chrono::microseconds probe_stream_echo(const EndpointConfig& cfg, const std::string& token,
                                            std::chrono::milliseconds echo_timeout) {
    auto c = connect_stream_carrier(cfg, token);
    std::deque<wire::Frame> early;
    return echo(*c, echo_timeout, early);
}

std::chrono::microseconds probe_poll_echo(const EndpointConfig& cfg, const std::string& token,
                                          std::chrono::milliseconds echo_timeout) {
    auto c = connect_poll_carrier(cfg, token);
    std::deque<wire::Frame> early;
    return echo(*c, echo_timeout, early);
}

}  // namespace tunnel
