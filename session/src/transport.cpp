// Automatic choice between stream and poll mode (see session/transport.h).
// Platform-neutral: carriers come from the platform's CarrierMaker (tunnel/
// on Linux, winnet/ on Windows).
#include "session/transport.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace session {
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
// Also reports the error that ends the carrier to `on_error` (the chooser
// learns from it) before passing it on.
class ProbedCarrier : public session::Carrier {
public:
    using OnError = std::function<void(const session::CarrierError&)>;
    ProbedCarrier(std::unique_ptr<session::Carrier> inner, std::deque<wire::Frame> early, OnError on_error = {})
        : inner_(std::move(inner)), early_(std::move(early)), on_error_(std::move(on_error)) {}
    void send(std::string frames) override {
        try {
            inner_->send(std::move(frames));
        } catch (const session::CarrierError& e) {
            report(e);
            throw;
        }
    }
    bool receive(wire::Frame& out, std::chrono::milliseconds timeout) override {
        if (!early_.empty()) {
            out = std::move(early_.front());
            early_.pop_front();
            return true;
        }
        try {
            for (;;) {
                if (!inner_->receive(out, timeout)) return false;
                if (!is_probe_pong(out)) return true;
            }
        } catch (const session::CarrierError& e) {
            report(e);
            throw;
        }
    }
    void close() override { inner_->close(); }
    std::string describe() const override { return inner_->describe(); }

    static bool is_probe_pong(const wire::Frame& f) {
        return f.type == wire::FrameType::pong && f.payload.size() == 8 && wire::payload_u64(f) == kProbeStamp;
    }

private:
    void report(const session::CarrierError& e) {
        if (on_error_) on_error_(e);
    }
    std::unique_ptr<session::Carrier> inner_;
    std::deque<wire::Frame> early_;
    OnError on_error_;
};

// Sends the probe ping and waits for its pong; frames seen meanwhile are kept.
// Returns the round trip, or throws CarrierError("... does not echo ...").
std::chrono::microseconds echo(session::Carrier& c, std::chrono::milliseconds timeout,
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
    throw session::CarrierError(c.describe() + " does not echo within " + std::to_string(timeout.count()) +
                       " ms: something on the path buffers or holds streamed data");
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
struct Chooser : std::enable_shared_from_this<Chooser> {
    CarrierMaker maker;
    TransportPolicy policy;
    TransportLog log;
    std::mutex mu;
    bool use_poll = false;
    int stream_failures = 0;  // consecutive
    bool first_ = true;       // no carrier made yet
    bool upgrading = false;   // moving back: one stream attempt, else poll at once
    bool body_limited = false;  // a stream uplink was cut as too long (413): poll mode for good
    std::chrono::milliseconds retry_wait{0};  // before the next stream test in poll mode (set by the factory)
    std::atomic<TransportMode> last{TransportMode::automatic};  // of the carrier next() returned last
    TransportMode last_mode() const { return last; }

    void say(const std::string& line) { if (log) log(line); }

    std::unique_ptr<session::Carrier> stream_probed() {
        auto carrier = maker.stream(policy.stream_connect_budget);
        std::deque<wire::Frame> early;
        echo(*carrier, policy.echo_timeout, early);
        std::weak_ptr<Chooser> self = weak_from_this();
        return std::make_unique<ProbedCarrier>(std::move(carrier), std::move(early), [self](const session::CarrierError& e) {
            if (auto c = self.lock()) c->learn(e);
        });
    }

    // A stream uplink is one long request body; a path that cuts bodies at
    // some length (413: a reverse proxy's client_max_body_size, a scanning
    // proxy) would cut it again and again, each time a reconnect. Poll
    // mode's requests are short, so it is the mode for such a path.
    void learn(const session::CarrierError& e) {
        if (e.http_status != 413) return;
        std::lock_guard<std::mutex> lk(mu);
        if (body_limited) return;
        body_limited = true;
        use_poll = true;
        say("the path cuts long requests (" + std::string(e.what()) + "): using poll mode, whose requests are short");
    }

    // A test succeeded: the next carrier is a stream carrier.
    void move_back() {
        std::lock_guard<std::mutex> lk(mu);
        use_poll = false;
        upgrading = true;
        say("stream mode works again through this path: moving back from poll mode");
    }

    // A test failed: wait twice as long before the next one.
    std::chrono::milliseconds longer_wait() {
        std::lock_guard<std::mutex> lk(mu);
        return double_wait_locked();
    }
    std::chrono::milliseconds double_wait_locked() {
        retry_wait = std::min(policy.stream_retry_max, retry_wait * 2);
        return retry_wait;
    }

    std::unique_ptr<session::Carrier> poll();  // below: wraps the poll carrier in an UpgradingCarrier

    std::unique_ptr<session::Carrier> next() {
        if (policy.mode == TransportMode::stream) {
            auto c = maker.stream(std::chrono::milliseconds(0));
            last = TransportMode::stream;
            return c;
        }
        if (policy.mode == TransportMode::poll || maker.poll_only) {
            auto c = maker.poll();
            last = TransportMode::poll;
            return c;
        }
        std::lock_guard<std::mutex> lk(mu);
        bool first = first_;
        first_ = false;
        if (!use_poll) {
            try {
                auto c = stream_probed();
                stream_failures = 0;
                if (upgrading) remember(policy.memory_file, maker.path_key, "stream");
                upgrading = false;
                last = TransportMode::stream;
                return c;
            } catch (const session::CarrierError& e) {
                if (e.fatal) throw;
                if (upgrading) {  // the test passed, the real carrier did not: stay in poll mode
                    upgrading = false;
                    use_poll = true;
                    double_wait_locked();
                    say("stream mode failed again (" + std::string(e.what()) + "): staying in poll mode");
                    return poll();
                }
                // At session start, fall back at once (the 10 s budget);
                // mid-session, give stream mode one more attempt first.
                if (++stream_failures < 2 && !first) throw;
                say("stream mode failed (" + std::string(e.what()) + "): using poll mode");
                use_poll = true;
                retry_wait = policy.stream_retry;
                // Only a path that fails the probe at session start is
                // remembered: a break mid-session may be a passing fault.
                if (first) remember(policy.memory_file, maker.path_key, "poll");
            }
        }
        return poll();
    }
};

// A poll carrier that, in the background, tests every so often whether
// stream mode works again: a probe connection (CarrierMaker::probe), which the
// relay keeps apart from the session, must echo a ping in time. Once it
// does, the carrier retires (CarrierError::retiring) and the session stream
// asks the factory for a new carrier, which is then a stream carrier. No
// byte is lost: the session stream resends whatever the retiring carrier did
// not deliver.
class UpgradingCarrier : public session::Carrier {
public:
    UpgradingCarrier(std::unique_ptr<session::Carrier> poll, std::shared_ptr<Chooser> chooser, std::chrono::milliseconds wait)
        : inner_(std::move(poll)), chooser_(std::move(chooser)), tester_([this, wait] { test_loop(wait); }) {}
    ~UpgradingCarrier() override {
        stop();
        tester_.join();
    }

    void send(std::string frames) override {
        throw_if_retiring();
        inner_->send(std::move(frames));
    }
    // In slices, so that a successful test is acted on within kSlice.
    bool receive(wire::Frame& out, std::chrono::milliseconds timeout) override {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            throw_if_retiring();
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left <= std::chrono::milliseconds(0)) return false;
            if (inner_->receive(out, std::min(left, kSlice))) return true;
        }
    }
    void close() override {
        stop();
        inner_->close();
    }
    std::string describe() const override { return inner_->describe(); }

private:
    static constexpr std::chrono::milliseconds kSlice{250};

    void test_loop(std::chrono::milliseconds wait) {
        std::unique_lock<std::mutex> lk(mu_);
        for (;;) {
            if (cv_.wait_for(lk, wait, [this] { return stopped_; })) return;
            lk.unlock();
            const bool works = stream_echoes();
            lk.lock();
            if (stopped_) return;
            if (works) {
                chooser_->move_back();
                retiring_ = true;
                return;
            }
            wait = chooser_->longer_wait();
        }
    }
    // One test, on the tester thread. close() aborts it through probe_.
    bool stream_echoes() {
        std::shared_ptr<ProbeCarrier> probe;
        try {
            probe = chooser_->maker.probe(chooser_->policy.stream_connect_budget);
        } catch (const std::exception&) {  // e.g. the HTTP backend could not set up the requests
            return false;
        }
        {
            std::lock_guard<std::mutex> lk(mu_);
            if (stopped_) return false;
            probe_ = probe;
        }
        bool works = false;
        try {
            probe->wait_ready();
            std::deque<wire::Frame> early;
            echo(*probe, chooser_->policy.echo_timeout, early);
            works = true;
        } catch (const std::exception&) {  // CarrierError: it does not work (yet)
        }
        std::lock_guard<std::mutex> lk(mu_);
        probe_.reset();
        return works;
    }
    void stop() {
        std::shared_ptr<session::Carrier> probe;
        {
            std::lock_guard<std::mutex> lk(mu_);
            stopped_ = true;
            probe = probe_;
            cv_.notify_all();
        }
        if (probe) probe->close();  // a test in progress ends now
    }
    void throw_if_retiring() {
        std::lock_guard<std::mutex> lk(mu_);
        if (retiring_) throw session::CarrierError::retiring("moving back to stream mode, which works again through this path");
    }

    std::unique_ptr<session::Carrier> inner_;
    std::shared_ptr<Chooser> chooser_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopped_ = false;
    bool retiring_ = false;
    std::shared_ptr<session::Carrier> probe_;  // while a test runs
    std::thread tester_;  // last: starts once the members above exist
};

std::unique_ptr<session::Carrier> Chooser::poll() {
    auto c = maker.poll();
    last = TransportMode::poll;
    // A path that cuts long requests would cut stream mode again: stay.
    if (policy.stream_retry <= std::chrono::milliseconds(0) || body_limited) return c;
    return std::make_unique<UpgradingCarrier>(std::move(c), shared_from_this(), retry_wait);
}

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

TransportMode TransportWatch::current() const {
    std::lock_guard<std::mutex> lk(mu_);
    return mode_;
}

void TransportWatch::listen(Listener l) {
    std::lock_guard<std::mutex> lk(mu_);
    listener_ = std::move(l);
}

// The listener runs under mu_, so that listen(nullptr) returns only once
// no call is running (its owner may go away then).
void TransportWatch::set(TransportMode m) {
    std::lock_guard<std::mutex> lk(mu_);
    if (m == mode_) return;
    mode_ = m;
    if (listener_) listener_(m);
}

namespace {

// The mode of what `next` hands out, told to `watch`. A poll carrier is
// poll whatever wraps it; anything else the factory makes is stream.
CarrierFactory watched(CarrierFactory next, std::function<TransportMode()> mode_of_last,
                       std::shared_ptr<TransportWatch> watch) {
    if (!watch) return next;
    return [next = std::move(next), mode_of_last = std::move(mode_of_last), watch] {
        auto c = next();
        watch->set(mode_of_last());
        return c;
    };
}

}  // namespace

session::CarrierFactory transport_factory(CarrierMaker maker, TransportPolicy policy, TransportLog log,
                                          std::shared_ptr<TransportWatch> watch) {
    auto chooser = std::make_shared<Chooser>();
    chooser->maker = std::move(maker);
    chooser->policy = std::move(policy);
    chooser->log = std::move(log);
    chooser->retry_wait = chooser->policy.stream_retry;
    if (chooser->policy.mode == TransportMode::automatic && !chooser->policy.memory_file.empty() &&
        remembered_poll(chooser->policy.memory_file, chooser->maker.path_key)) {
        chooser->use_poll = true;
        chooser->say("poll mode (remembered for this proxy)");
    }
    return watched([chooser] { return chooser->next(); }, [chooser] { return chooser->last_mode(); }, std::move(watch));
}

std::chrono::microseconds echo_round_trip(session::Carrier& c, std::chrono::milliseconds timeout) {
    std::deque<wire::Frame> early;
    return echo(c, timeout, early);
}

}  // namespace session
