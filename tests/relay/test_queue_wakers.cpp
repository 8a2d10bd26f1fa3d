// The event-driven forms of FrameQueue and Session (try_push, try_pop,
// on_change and the Session try_* calls): what the relay's io threads use
// instead of blocking. A waker runs once, at the next change.
#include <catch2/catch.hpp>

#include "relay/session.h"

using namespace relay;

namespace {

wire::Frame data(std::size_t payload_bytes) { return wire::Frame{wire::FrameType::data, std::string(payload_bytes, 'x')}; }

}  // namespace

TEST_CASE("try_push answers full and leaves the frame; a pop wakes the waiting pusher once") {
    FrameQueue q(100);
    wire::Frame first = data(95), second = data(10);
    REQUIRE(q.try_push(first) == PushResult::ok);
    CHECK(q.try_push(second) == PushResult::full);
    CHECK(second.payload.size() == 10);  // untouched: the pusher keeps it
    int woken = 0;
    q.on_change([&] { ++woken; });
    std::vector<wire::Frame> out;
    REQUIRE(q.try_pop(out, 1 << 20) == PopResult::frames);
    CHECK(woken == 1);
    CHECK(q.try_push(second) == PushResult::ok);
    CHECK(woken == 1);  // one-shot
}

TEST_CASE("try_pop answers empty, then frames after a push wakes the reader, then closed after the last") {
    FrameQueue q(1 << 20);
    std::vector<wire::Frame> out;
    CHECK(q.try_pop(out, 1 << 20) == PopResult::empty);
    bool woken = false;
    q.on_change([&] { woken = true; });
    wire::Frame f = data(3);
    REQUIRE(q.try_push(f) == PushResult::ok);
    CHECK(woken);
    CHECK(q.try_pop(out, 1 << 20) == PopResult::frames);
    q.close_with(data(1));
    out.clear();
    CHECK(q.try_pop(out, 1 << 20) == PopResult::frames);  // the last frame first
    CHECK(q.try_pop(out, 1 << 20) == PopResult::closed);
    wire::Frame late = data(1);
    CHECK(q.try_push(late) == PushResult::closed);
}

TEST_CASE("wake() and close run the wakers too") {
    FrameQueue q(100);
    int woken = 0;
    q.on_change([&] { ++woken; });
    q.wake();
    q.on_change([&] { ++woken; });
    q.close_with(data(1));
    CHECK(woken == 2);
}

TEST_CASE("a newer uplink wakes and cancels the older one waiting for room") {
    FakeTime time;
    Session s("test", "", time, 100);
    const auto old_up = s.attach_uplink(Side::desk);
    wire::Frame fill = data(95), waiting = data(10);
    REQUIRE(s.try_forward(Side::desk, old_up, fill) == PushResult::ok);
    REQUIRE(s.try_forward(Side::desk, old_up, waiting) == PushResult::full);
    bool woken = false;
    s.watch_inbox(Side::client, [&] { woken = true; });  // the peer's inbox, as an uplink waits
    s.attach_uplink(Side::desk);
    CHECK(woken);
    CHECK(s.try_forward(Side::desk, old_up, waiting) == PushResult::cancelled);
}

TEST_CASE("a newer downlink wakes and cancels the older one; a poll answer is due with frames or at the last chance") {
    FakeTime time;
    Session s("test", "", time, 1 << 20);
    const auto old_down = s.attach_downlink(Side::client);
    std::vector<wire::Frame> out;
    s.try_next_for(Side::client, old_down, out, 1 << 20);  // its first peer() frame
    bool woken = false;
    s.watch_inbox(Side::client, [&] { woken = true; });
    const auto new_down = s.attach_downlink(Side::client);
    CHECK(woken);
    CHECK(s.try_next_for(Side::client, old_down, out, 1 << 20) == PopResult::cancelled);
    out.clear();
    s.try_next_for(Side::client, new_down, out, 1 << 20);  // peer() again
    out.clear();
    const auto poll = s.attach_poller(Side::client);  // back to poll mode
    CHECK_FALSE(s.try_poll(Side::client, poll, out, 1 << 20, false));
    const auto seq = s.try_poll(Side::client, poll, out, 1 << 20, true);
    REQUIRE(seq);
    wire::Frame f = data(2);
    REQUIRE(s.try_forward(Side::desk, s.attach_uplink(Side::desk), f) == PushResult::ok);
    const auto next = s.try_poll(Side::client, poll, out, 1 << 20, false);
    REQUIRE(next);
    CHECK(*next == *seq + 1);
    CHECK(out.back().type == wire::FrameType::data);
}

TEST_CASE("a poll waiting when its side attaches a stream downlink is woken, due at once, and takes no frame") {
    FakeTime time;
    Session s("test", "", time, 1 << 20);
    const auto poll = s.attach_poller(Side::client);
    bool woken = false;
    s.watch_inbox(Side::client, [&] { woken = true; });
    const auto down = s.attach_downlink(Side::client);
    CHECK(woken);
    wire::Frame f = data(2);
    REQUIRE(s.try_forward(Side::desk, s.attach_uplink(Side::desk), f) == PushResult::ok);
    std::vector<wire::Frame> out;
    CHECK(s.try_poll(Side::client, poll, out, 1 << 20, false));
    CHECK(out.empty());
    REQUIRE(s.try_next_for(Side::client, down, out, 1 << 20) == PopResult::frames);
    CHECK(out.back().type == wire::FrameType::data);  // after its peer() frame
}
