// SessionStream over the FakeRelay: exact bytes across carrier breaks, gaps,
// the send window, outages, end frames, fin and malformed frames.
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "session/fake_relay.h"
#include "session/transfer.h"
#include "session/session_stream.h"

using namespace std::chrono_literals;
using fake::FakeRelay;
using session::SessionOptions;
using session::SessionStream;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

SessionOptions quick_options() {
    SessionOptions o;
    o.heartbeat = 100ms;  // fast acks/pings so recoveries that wait a tick are quick
    o.dead_after_heartbeats = 50;  // 5 s: a loaded test machine must not look dead
    o.backoff_min = 5ms;
    o.backoff_max = 50ms;
    return o;
}

struct Pair {
    std::unique_ptr<SessionStream> a, b;
    Pair(FakeRelay& relay, SessionOptions o)
        : a(std::make_unique<SessionStream>(relay.factory(0), o)),
          b(std::make_unique<SessionStream>(relay.factory(1), o)) {}
    void close() { a->close(); b->close(); }
};

// Both ways at once: a->b with seed 1, b->a with seed 2.
struct Duplex {
    fake::ReadResult at_b, at_a;
    std::string write_a, write_b;
};

Duplex run_duplex(Pair& p, std::uint64_t bytes, std::chrono::seconds limit) {
    auto wa = std::async(std::launch::async, [&] { return fake::write_pattern(*p.a, 1, bytes); });
    auto wb = std::async(std::launch::async, [&] { return fake::write_pattern(*p.b, 2, bytes); });
    auto rb = std::async(std::launch::async, [&] { return fake::read_pattern(*p.b, 1); });
    auto ra = std::async(std::launch::async, [&] { return fake::read_pattern(*p.a, 2); });
    auto abort = [&] {
        for (auto* s : {p.a.get(), p.b.get()}) {
            auto st = s->stats();
            auto ss = s->status();
            fprintf(stderr, "stuck: written %llu acked %llu received %llu consumed %llu carriers %llu resends %llu state %s %s\n",
                (unsigned long long)st.written, (unsigned long long)st.acked, (unsigned long long)st.received,
                (unsigned long long)st.consumed, (unsigned long long)st.carriers, (unsigned long long)st.resends_sent,
                session::to_string(ss.state), ss.detail.c_str());
        }
        p.close();
    };
    bool in_time = fake::finish_within(rb, limit, abort) && fake::finish_within(ra, limit, abort);
    Duplex d{rb.get(), ra.get(), wa.get(), wb.get()};
    CHECK(in_time);
    return d;
}

void check_exact(const fake::ReadResult& r, std::uint64_t bytes) {
    CHECK(r.error == "");
    CHECK(r.first_bad == UINT64_MAX);
    CHECK(r.bytes == bytes);
}

wire::Frame frame(wire::FrameType t, std::string payload) { return {t, std::move(payload)}; }

wire::Frame end_frame(wire::EndReason r, const std::string& text) {
    std::string buf;
    wire::append_end(buf, r, text);
    return frame(wire::FrameType::end, buf.substr(wire::kHeaderSize));
}

// Records every status the callback reports.
struct StatusLog {
    std::mutex mu;
    std::vector<session::SessionStatus> seen;
    session::StatusCallback callback() {
        return [this](const session::SessionStatus& s) {
            std::lock_guard<std::mutex> lk(mu);
            seen.push_back(s);
        };
    }
    bool saw(session::SessionState st) {
        std::lock_guard<std::mutex> lk(mu);
        for (auto& s : seen) if (s.state == st) return true;
        return false;
    }
    bool saw_rtt() {
        std::lock_guard<std::mutex> lk(mu);
        for (auto& s : seen) if (s.rtt.count() >= 0) return true;
        return false;
    }
    std::string last_detail() {
        std::lock_guard<std::mutex> lk(mu);
        return seen.empty() ? "" : seen.back().detail;
    }
};

}  // namespace

TEST_CASE("session: 16 MiB each way across carrier kills and drops and duplicates and reorders") {
    struct Row { const char* name; std::size_t window; double chaos; std::uint32_t seed; };
    auto row = GENERATE(Row{"default window, kills only", 8 * kMiB, 0.0, 7},
                        Row{"default window, chaos before kills", 8 * kMiB, 0.7, 11},
                        Row{"256 KiB window, chaos before kills", 256 * 1024, 0.7, 13});
    INFO(row.name);
    fake::Faults faults;
    faults.kill_every_min = 64 * 1024;
    faults.kill_every_max = 512 * 1024;
    faults.chaos = row.chaos;
    faults.seed = row.seed;
    FakeRelay relay(faults);
    SessionOptions o = quick_options();
    o.window = row.window;
    Pair p(relay, o);

    Duplex d = run_duplex(p, 16 * kMiB, 120s);

    check_exact(d.at_b, 16 * kMiB);
    check_exact(d.at_a, 16 * kMiB);
    CHECK(d.write_a == "");
    CHECK(d.write_b == "");
    CHECK(relay.kills() >= 10);  // the bytes really crossed many carriers
    CHECK(p.a->stats().max_unacked <= row.window);
    CHECK(p.b->stats().max_unacked <= row.window);
    CHECK(relay.max_unacked_seen(0) <= row.window);
    CHECK(relay.max_unacked_seen(1) <= row.window);
}

TEST_CASE("session: a gap is answered with resend and filled") {
    FakeRelay relay;
    Pair p(relay, quick_options());
    // Settle the hello exchange first: b answers each hello of a's with
    // resend(its offset), and such a resend arriving late would fill the gap
    // without b ever seeing it (it failed so once in a full suite run; not
    // reproduced in 1,080 loaded runs since). a sends its hellos
    // before anything it writes after its first peer hello, so once b has
    // acknowledged a's byte 'x', every resend b owed a's hellos has reached
    // a, or comes later as resend(0), stale beside ack(1) and ignored.
    REQUIRE(fake::eventually([&] { return p.a->stats().peer_hellos > 0; }, 10s));
    char c = 'x';
    p.a->write(&c, 1);
    REQUIRE(session::read_exact(*p.b, &c, 1));
    REQUIRE(fake::eventually([&] { return p.a->stats().acked >= 1; }, 10s));
    relay.drop_data_toward(1, 3);  // three data frames vanish without a carrier break

    auto w = std::async(std::launch::async, [&] { return fake::write_pattern(*p.a, 5, 2 * kMiB, 64 * 1024); });
    auto r = std::async(std::launch::async, [&] { return fake::read_pattern(*p.b, 5); });
    CHECK(fake::finish_within(r, 60s, [&] { p.close(); }));

    check_exact(r.get(), 2 * kMiB);
    CHECK(w.get() == "");
    CHECK(p.b->stats().resends_sent >= 1);
    CHECK(relay.kills() == 0);
    CHECK(relay.connects(0) == 1);  // recovered without a reconnect
}

TEST_CASE("session: the sender never has more than the window unacknowledged") {
    FakeRelay relay;
    SessionOptions o = quick_options();
    o.window = 256 * 1024;
    Pair p(relay, o);
    std::atomic<std::uint64_t> accepted{0};
    auto w = std::async(std::launch::async, [&] {
        return fake::write_pattern(*p.a, 9, 4 * kMiB, 4096, true, [&](std::uint64_t n) { accepted = n; });
    });

    // b reads nothing: a's writer must stop at exactly one window.
    REQUIRE(fake::eventually([&] { return accepted.load() >= o.window - 4096; }, 30s));
    REQUIRE(fake::eventually([&] { return relay.data_end_seen(0) == p.a->stats().written; }, 30s));
    CHECK(accepted.load() <= o.window);
    CHECK(p.a->stats().written <= o.window);
    CHECK(w.wait_for(0s) != std::future_status::ready);

    auto r = std::async(std::launch::async, [&] { return fake::read_pattern(*p.b, 9); });
    CHECK(fake::finish_within(r, 60s, [&] { p.close(); }));
    check_exact(r.get(), 4 * kMiB);
    CHECK(w.get() == "");
    CHECK(p.a->stats().max_unacked <= o.window);
    CHECK(relay.max_unacked_seen(0) <= o.window);
}

TEST_CASE("session: a carrier that receives nothing for 3 heartbeats is replaced") {
    FakeRelay relay;
    SessionOptions o = quick_options();
    o.dead_after_heartbeats = 3;
    StatusLog log;
    o.on_status = log.callback();
    Pair p(relay, o);
    p.b->write("one", 3);
    char buf[3];
    REQUIRE(session::read_exact(*p.a, buf, 3));
    relay.mute(0);  // a's downlink stalls silently: no error, no pongs, no data
    p.b->write("two", 3);
    REQUIRE(fake::eventually([&] { return relay.connects(0) >= 2; }, 30s));
    REQUIRE(session::read_exact(*p.a, buf, 3));
    CHECK(std::string(buf, 3) == "two");  // recovered through the new carrier
    CHECK(log.saw(session::SessionState::reconnecting));
    CHECK(p.a->stats().carriers >= 2);
}

TEST_CASE("session: an outage longer than the limit fails the stream with a clear error") {
    FakeRelay relay;
    SessionOptions o = quick_options();
    o.outage_limit = 300ms;
    StatusLog log;
    o.on_status = log.callback();
    Pair p(relay, o);
    REQUIRE(fake::eventually([&] { return relay.has_carrier(0); }, 10s));
    relay.refuse(0, "proxy 10.0.0.1:3128 refused the connection", false);
    relay.kill(0);

    auto r = std::async(std::launch::async, [&] { return fake::read_pattern(*p.a, 1); });
    REQUIRE(fake::finish_within(r, 30s, [&] { p.close(); }));
    std::string err = r.get().error;
    CHECK(err.find("could not reach the relay") != std::string::npos);
    CHECK(err.find("proxy 10.0.0.1:3128 refused the connection") != std::string::npos);
    CHECK_THROWS_AS(p.a->write("x", 1), session::StreamError);
    REQUIRE(fake::eventually([&] { return log.saw(session::SessionState::ended); }, 10s));
    CHECK(log.saw(session::SessionState::reconnecting));
    CHECK(relay.connects(0) == 1);
}

TEST_CASE("session: a fatal carrier error fails the stream at once") {
    FakeRelay relay;
    relay.refuse(0, "the relay refused the session token", true);
    SessionOptions o = quick_options();  // default 60 s outage limit: must not wait for it
    SessionStream a(relay.factory(0), o);
    char c;
    try {
        a.read(&c, 1);
        FAIL("read() should throw");
    } catch (const session::StreamError& e) {
        CHECK(std::string(e.what()) == "the relay refused the session token");
    }
}

TEST_CASE("session: an end frame from the relay surfaces its reason") {
    struct Row { wire::EndReason reason; const char* text; const char* expect; };
    auto row = GENERATE(Row{wire::EndReason::by_peer, "", "the other side ended the session"},
                        Row{wire::EndReason::peer_timeout, "", "unreachable for too long"},
                        Row{wire::EndReason::expired, "", "nobody joined"},
                        Row{wire::EndReason::relay_shutdown, "maintenance", "(maintenance)"},
                        Row{wire::EndReason::protocol_error, "bad frame", "malformed traffic"});
    FakeRelay relay;
    Pair p(relay, quick_options());
    REQUIRE(fake::eventually([&] { return relay.has_carrier(0); }, 10s));
    p.b->write("hello", 5);
    char buf[5];
    REQUIRE(session::read_exact(*p.a, buf, 5));
    relay.inject(0, end_frame(row.reason, row.text));
    try {
        p.a->read(buf, 1);
        FAIL("read() should throw");
    } catch (const session::StreamError& e) {
        std::string what = e.what();
        CHECK(what.find("the relay ended the session") != std::string::npos);
        CHECK(what.find(row.expect) != std::string::npos);
    }
    CHECK(p.a->status().state == session::SessionState::ended);
}

TEST_CASE("session: end(by_you) ends reads cleanly after the data") {
    FakeRelay relay;
    Pair p(relay, quick_options());
    p.b->write("last words", 10);
    REQUIRE(fake::eventually([&] { return p.a->stats().received == 10; }, 10s));
    relay.inject(0, end_frame(wire::EndReason::by_you, ""));
    char buf[16];
    REQUIRE(session::read_exact(*p.a, buf, 10));
    CHECK(std::string(buf, 10) == "last words");
    CHECK(p.a->read(buf, sizeof buf) == 0);
    CHECK_THROWS_AS(p.a->write("x", 1), session::StreamError);
}

TEST_CASE("session: fin ends the peer's reads cleanly in both directions") {
    FakeRelay relay;
    Pair p(relay, quick_options());
    Duplex d = run_duplex(p, 300 * 1024, 60s);
    check_exact(d.at_b, 300 * 1024);
    check_exact(d.at_a, 300 * 1024);
    char c;
    CHECK(p.a->read(&c, 1) == 0);  // stays at end of stream
    CHECK(p.a->drain(10s));         // b acknowledged everything a wrote
    CHECK(p.b->drain(10s));
    CHECK_THROWS_AS(p.a->write("x", 1), session::StreamError);  // after shutdown_write
}

TEST_CASE("session: malformed frames cost a carrier and not the stream") {
    FakeRelay relay;
    Pair p(relay, quick_options());
    REQUIRE(fake::eventually([&] { return relay.has_carrier(0) && relay.has_carrier(1); }, 10s));
    auto w = std::async(std::launch::async, [&] { return fake::write_pattern(*p.a, 3, 4 * kMiB); });
    auto r = std::async(std::launch::async, [&] { return fake::read_pattern(*p.b, 3); });

    using T = wire::FrameType;
    std::vector<wire::Frame> bad = {frame(T::data, "abc"), frame(T::ack, "12"), frame(T::resend, ""),
                                    frame(T::fin, "1234567"), frame(T::hello, "12345"), frame(T::pong, "x"),
                                    frame(T::peer, ""), frame(T::peer, "\x07"), frame(T::end, "")};
    for (const auto& f : bad) {
        auto before = p.b->stats().bad_frames;
        // Each bad frame costs b one carrier: inject into the next one.
        REQUIRE(fake::eventually([&] { return relay.connects(1) == static_cast<int>(before) + 1; }, 10s));
        relay.inject(1, f);
        CHECK(fake::eventually([&] { return p.b->stats().bad_frames > before; }, 10s));
    }
    CHECK(fake::finish_within(r, 60s, [&] { p.close(); }));
    check_exact(r.get(), 4 * kMiB);
    CHECK(w.get() == "");
    CHECK(p.b->stats().bad_frames == bad.size());
}

TEST_CASE("session: status reports connecting and waiting and connected and rtt and the carrier") {
    FakeRelay relay;
    StatusLog log_a;
    SessionOptions o = quick_options();
    o.on_status = log_a.callback();
    auto a = std::make_unique<SessionStream>(relay.factory(0), o);
    REQUIRE(fake::eventually([&] { return log_a.saw(session::SessionState::waiting_for_peer); }, 10s));
    CHECK(log_a.saw(session::SessionState::connecting));
    CHECK(log_a.last_detail().find("fake carrier") != std::string::npos);

    SessionStream b(relay.factory(1), quick_options());
    REQUIRE(fake::eventually([&] { return log_a.saw(session::SessionState::connected); }, 10s));
    CHECK(fake::eventually([&] { return log_a.saw_rtt(); }, 10s));
    relay.kill(1);  // the relay tells a that b is reconnecting
    CHECK(fake::eventually([&] { return log_a.saw(session::SessionState::reconnecting); }, 10s));
    a->close();
    a.reset();
    CHECK(log_a.saw(session::SessionState::ended));
}

TEST_CASE("session: a peer that restarted (new epoch) fails the stream") {
    FakeRelay relay;
    Pair p(relay, quick_options());
    p.b->write("x", 1);
    char c;
    REQUIRE(session::read_exact(*p.a, &c, 1));
    REQUIRE(fake::eventually([&] { return p.a->stats().peer_hellos >= 1; }, 10s));
    p.b.reset();  // the peer process "restarts": same side, new epoch
    SessionStream b2(relay.factory(1), quick_options());
    try {
        p.a->read(&c, 1);
        FAIL("read() should throw");
    } catch (const session::StreamError& e) {
        CHECK(std::string(e.what()).find("restarted") != std::string::npos);
    }
}

TEST_CASE("session: random frames from the relay never crash or hang the stream") {
    // The session stream trusts what the relay forwards (integrity is the
    // secure channel's job), so random data may corrupt bytes: the point is
    // that the stream ends in bounded time, cleanly or with a StreamError.
    FakeRelay relay;
    Pair p(relay, quick_options());
    auto w = std::async(std::launch::async, [&] { return fake::write_pattern(*p.a, 4, 2 * kMiB); });
    auto r = std::async(std::launch::async, [&] { return fake::read_pattern(*p.b, 4); });
    std::mt19937 rng(3);
    const wire::FrameType types[] = {wire::FrameType::data, wire::FrameType::ack, wire::FrameType::resend,
                                     wire::FrameType::fin, wire::FrameType::hello, wire::FrameType::ping,
                                     wire::FrameType::pong, wire::FrameType::peer, wire::FrameType::end};
    for (int i = 0; i < 300; ++i) {
        std::string payload;
        for (int n = static_cast<int>(rng() % 20); n > 0; --n) payload.push_back(static_cast<char>(rng()));
        relay.inject(1, frame(types[rng() % 9], payload));
    }
    bool in_time = fake::finish_within(r, 60s, [&] { p.close(); });
    CHECK(in_time);
    p.close();  // the writer may still wait for acks that will never come
    CHECK(fake::finish_within(w, 30s, [] {}));
}

namespace {

wire::Frame peer_frame(wire::PeerState s) {
    std::string buf;
    wire::append_peer(buf, s);
    return frame(wire::FrameType::peer, buf.substr(wire::kHeaderSize));
}

// wait_for_peer() on its own thread; done() once it returned or threw.
struct PeerWait {
    explicit PeerWait(SessionStream& s)
        : result(std::async(std::launch::async, [&s]() -> std::string {
              try {
                  s.wait_for_peer();
                  return "present";
              } catch (const session::CodeExpiredError& e) {
                  return std::string("expired: ") + e.what();
              } catch (const session::StreamError& e) {
                  return std::string("error: ") + e.what();
              }
          })) {}
    bool done() { return result.wait_for(0ms) == std::future_status::ready; }
    std::future<std::string> result;
};

}  // namespace

TEST_CASE("session: wait_for_peer waits as long as it takes, then returns when the relay says the peer is there") {
    FakeRelay relay;
    SessionStream desk(relay.factory(0), quick_options());
    REQUIRE(fake::eventually([&] { return relay.has_carrier(0); }, 10s));
    PeerWait wait(desk);
    relay.inject(0, peer_frame(wire::PeerState::waiting));
    // Ten times the heartbeat and more than the dead-carrier time of the
    // default options: nothing but the peer (or the code's end) ends it.
    std::this_thread::sleep_for(1500ms);
    CHECK_FALSE(wait.done());
    relay.inject(0, peer_frame(wire::PeerState::connected));
    REQUIRE(fake::eventually([&] { return wait.done(); }, 10s));
    CHECK(wait.result.get() == "present");
    desk.wait_for_peer();  // seen once: returns at once, even after the peer left again
}

TEST_CASE("session: wait_for_peer ends with CodeExpiredError on end(expired), StreamError otherwise") {
    struct Row { wire::EndReason reason; const char* expect; };
    auto row = GENERATE(Row{wire::EndReason::expired, "expired: the relay ended the session: nobody joined"},
                        Row{wire::EndReason::relay_shutdown, "error: the relay ended the session: the relay is shutting down"});
    FakeRelay relay;
    SessionStream desk(relay.factory(0), quick_options());
    REQUIRE(fake::eventually([&] { return relay.has_carrier(0); }, 10s));
    PeerWait wait(desk);
    relay.inject(0, end_frame(row.reason, ""));
    REQUIRE(fake::eventually([&] { return wait.done(); }, 10s));
    CHECK_THAT(wait.result.get(), Catch::StartsWith(row.expect));
}

TEST_CASE("session: close() aborts wait_for_peer") {
    FakeRelay relay;
    SessionStream desk(relay.factory(0), quick_options());
    PeerWait wait(desk);
    std::this_thread::sleep_for(50ms);
    desk.close();
    REQUIRE(fake::eventually([&] { return wait.done(); }, 10s));
    CHECK(wait.result.get() == "error: the stream is closed");
}
