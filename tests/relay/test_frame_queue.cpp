// FrameQueue and Session forwarding: bounded bytes, back-pressure, cancel
// by generation, close. Bounded waits only: no timing asserts.
#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "relay/session.h"

using namespace relay;
using namespace std::chrono_literals;

namespace {

wire::Frame data(std::size_t payload_bytes) { return wire::Frame{wire::FrameType::data, std::string(payload_bytes, 'x')}; }
bool never() { return false; }

}  // namespace

TEST_CASE("a full queue blocks the pusher until a pop makes room") {
    FrameQueue q(1000);
    REQUIRE(q.push(data(495), never) == PushResult::ok);  // 500 bytes with header
    REQUIRE(q.push(data(495), never) == PushResult::ok);  // exactly full
    auto blocked = std::async(std::launch::async, [&] { return q.push(data(95), never); });
    CHECK(blocked.wait_for(200ms) == std::future_status::timeout);  // still blocked
    std::vector<wire::Frame> out;
    REQUIRE(q.pop(out, 1, 1s, never) == PopResult::frames);
    CHECK(out.size() == 1);
    REQUIRE(blocked.wait_for(10s) == std::future_status::ready);
    CHECK(blocked.get() == PushResult::ok);
    CHECK(q.bytes() == 600);
}

TEST_CASE("a frame larger than the bound passes an empty queue") {
    FrameQueue q(100);
    CHECK(q.push(data(5000), never) == PushResult::ok);
}

TEST_CASE("control frames never block and are dropped beyond the slack") {
    FrameQueue q(100);
    std::size_t accepted = 0;
    for (int i = 0; i < 100000; ++i) accepted += q.push_control(data(8)) ? 1 : 0;
    CHECK(accepted < 100000);
    CHECK(q.bytes() <= 100 + FrameQueue::kControlSlack);
}

TEST_CASE("pop batches frames up to the byte limit and times out when idle") {
    FrameQueue q(1 << 20);
    for (int i = 0; i < 10; ++i) q.push(data(95), never);
    std::vector<wire::Frame> out;
    REQUIRE(q.pop(out, 350, 1s, never) == PopResult::frames);
    CHECK(out.size() == 3);
    out.clear();
    REQUIRE(q.pop(out, 1 << 20, 1s, never) == PopResult::frames);
    CHECK(out.size() == 7);
    CHECK(q.pop(out, 1 << 20, 10ms, never) == PopResult::timeout);
}

TEST_CASE("close hands out what is queued, then the last frame, then closed") {
    FrameQueue q(1 << 20);
    q.push(data(1), never);
    q.close_with(wire::Frame{wire::FrameType::end, std::string(1, '\1')});
    CHECK(q.push(data(1), never) == PushResult::closed);
    std::vector<wire::Frame> out;
    REQUIRE(q.pop(out, 1 << 20, 1s, never) == PopResult::frames);
    REQUIRE(out.size() == 2);
    CHECK(out[1].type == wire::FrameType::end);
    CHECK(q.pop(out, 1 << 20, 1s, never) == PopResult::closed);
}

TEST_CASE("close wakes a blocked pusher") {
    FrameQueue q(10);
    q.push(data(100), never);
    auto blocked = std::async(std::launch::async, [&] { return q.push(data(1), never); });
    q.close_with(wire::Frame{wire::FrameType::end, ""});
    REQUIRE(blocked.wait_for(10s) == std::future_status::ready);
    CHECK(blocked.get() == PushResult::closed);
}

TEST_CASE("a slow reader slows its writer: the session never holds more than the bound") {
    FakeTime time;
    Session s("test", "", time, 4096);
    const auto up = s.attach_uplink(Side::desk);
    const auto down = s.attach_downlink(Side::client);
    std::vector<wire::Frame> sink;
    s.next_for(Side::client, down, sink, 1 << 20, 10ms);  // the peer() frame
    std::atomic<int> pushed{0};
    std::atomic<bool> all_ok{true};  // Catch2 assertions are not thread-safe: checked below
    std::thread writer([&] {
        for (int i = 0; i < 100; ++i) {
            all_ok = all_ok && s.forward(Side::desk, up, data(1000)) == PushResult::ok;
            ++pushed;
        }
    });
    std::size_t received = 0;
    while (received < 100) {
        std::vector<wire::Frame> out;
        if (s.next_for(Side::client, down, out, 1, 5s) != PopResult::frames) break;
        received += out.size();
        CHECK(pushed - static_cast<int>(received) <= 5);  // at most bound/frame + the one in flight
    }
    writer.join();
    CHECK(all_ok);
    CHECK(received == 100);
}

TEST_CASE("a newer uplink cancels the older one blocked in back-pressure") {
    FakeTime time;
    Session s("test", "", time, 100);
    const auto old_up = s.attach_uplink(Side::desk);
    REQUIRE(s.forward(Side::desk, old_up, data(200)) == PushResult::ok);  // the client's inbox is full now
    auto blocked = std::async(std::launch::async, [&] { return s.forward(Side::desk, old_up, data(1)); });
    CHECK(blocked.wait_for(100ms) == std::future_status::timeout);
    const auto new_up = s.attach_uplink(Side::desk);
    REQUIRE(blocked.wait_for(10s) == std::future_status::ready);
    CHECK(blocked.get() == PushResult::cancelled);
    CHECK(new_up != old_up);
}

TEST_CASE("a newer downlink cancels the older one; frames stay for the newer") {
    FakeTime time;
    Session s("test", "", time, 1 << 20);
    const auto old_down = s.attach_downlink(Side::client);
    const auto new_down = s.attach_downlink(Side::client);
    std::vector<wire::Frame> out;
    CHECK(s.next_for(Side::client, old_down, out, 1 << 20, 1s) == PopResult::cancelled);
    s.forward(Side::desk, s.attach_uplink(Side::desk), data(3));
    REQUIRE(s.next_for(Side::client, new_down, out, 1 << 20, 1s) == PopResult::frames);
    CHECK(out.back().type == wire::FrameType::data);
}

TEST_CASE("peer frames follow presence: waiting, connected, reconnecting") {
    FakeTime time;
    Session s("test", "", time, 1 << 20);
    auto peer_states = [&](Side side, std::uint64_t gen) {
        std::vector<wire::Frame> out;
        s.next_for(side, gen, out, 1 << 20, 10ms);
        std::vector<wire::PeerState> states;
        for (auto& f : out)
            if (f.type == wire::FrameType::peer) states.push_back(wire::payload_peer(f));
        return states;
    };
    const auto desk = s.attach_downlink(Side::desk);
    CHECK(peer_states(Side::desk, desk) == std::vector<wire::PeerState>{wire::PeerState::waiting});
    s.mark_joined();
    const auto client = s.attach_downlink(Side::client);
    CHECK(peer_states(Side::desk, desk) == std::vector<wire::PeerState>{wire::PeerState::connected});
    CHECK(peer_states(Side::client, client) == std::vector<wire::PeerState>{wire::PeerState::connected});
    s.detach_downlink(Side::client, client);
    CHECK(peer_states(Side::desk, desk) == std::vector<wire::PeerState>{wire::PeerState::reconnecting});
    CHECK(s.state() == SessionState::reconnecting);
}
