// Poll mode over the real relay: bounded requests, X-Tether-Seq numbering,
// ping(0) on an idle poll, presence while a poll waits, mixing with stream mode.
#include <catch2/catch.hpp>

#include <future>
#include <random>

#include "relay_harness.h"

using namespace relay_test;
using nlohmann::json;

namespace {

struct Polled {
    int status = 0;
    std::uint64_t seq = 0;
    std::vector<wire::Frame> frames;
    std::string error;
};

// No Catch2 assertions in here: it also runs on other threads (not thread-safe).
Polled poll_down(Harness& h, const std::string& token, int wait_s) {
    auto res = h.client()->Get(("/v1/poll/down?wait=" + std::to_string(wait_s)).c_str(), Harness::bearer(token));
    Polled p;
    if (!res) {
        p.status = -1;
        return p;
    }
    p.status = res->status;
    if (res->status != 200) {
        p.error = json::parse(res->body)["error"];
        return p;
    }
    p.seq = std::stoull(res->get_header_value("X-Tether-Seq"));
    wire::FrameParser parser;
    parser.feed(res->body.data(), res->body.size());
    wire::Frame f;
    while (parser.next(f)) p.frames.push_back(f);
    if (parser.buffered() != 0) p.status = -2;  // a partial frame: fails the status checks
    return p;
}

int poll_up(Harness& h, const std::string& token, const std::string& body) {
    auto res = h.client()->Post("/v1/poll/up", Harness::bearer(token), body, "application/octet-stream");
    REQUIRE(res);
    return res->status;
}

std::string e2e_bytes(const std::vector<wire::Frame>& frames) {
    std::string out;
    for (auto& f : frames)
        if (wire::is_end_to_end(f.type)) out += f.payload;
    return out;
}

struct PolledPair {
    explicit PolledPair(Harness& h) : created(h.create()), desk(created["token"]), client(h.join(created["code"])) {}
    json created;
    std::string desk, client;
};

}  // namespace

TEST_CASE("poll up then poll down carries exact bytes, numbered by X-Tether-Seq") {
    Harness h;
    PolledPair p(h);
    const std::string frames = data_frame(0, "first") + data_frame(5, "second");
    CHECK(poll_up(h, p.desk, frames) == 204);
    Polled got = poll_down(h, p.client, 5);
    REQUIRE(got.status == 200);
    CHECK(got.seq == 1);
    CHECK(e2e_bytes(got.frames) == std::string(8, '\0') + "first" + std::string(7, '\0') + "\5" + "second");
    Polled idle = poll_down(h, p.client, 0);
    CHECK(idle.seq == 2);
    REQUIRE(idle.frames.size() == 1);
    CHECK(idle.frames[0].type == wire::FrameType::ping);
    CHECK(wire::payload_u64(idle.frames[0]) == 0);
}

// Bounded: true once GET /v1/session (with `token`) reports `connected`.
bool wait_connected(Harness& h, const std::string& token) {
    for (int i = 0; i < 100; ++i) {
        auto res = h.client()->Get("/v1/session", Harness::bearer(token));
        if (res && json::parse(res->body)["state"] == "connected") return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

TEST_CASE("a waiting poll returns as soon as frames arrive; the spare poll gets the next number") {
    Harness h;
    PolledPair p(h);
    auto first = std::async(std::launch::async, [&] { return poll_down(h, p.client, 20); });
    auto spare = std::async(std::launch::async, [&] { return poll_down(h, p.client, 20); });
    // While the polls wait, the client counts as connected for the desk.
    CHECK(wait_connected(h, p.desk));
    CHECK(poll_up(h, p.desk, data_frame(0, "a")) == 204);
    CHECK(poll_up(h, p.desk, data_frame(1, "b")) == 204);
    Polled a = first.get(), b = spare.get();
    REQUIRE(a.status == 200);
    REQUIRE(b.status == 200);
    const Polled& lo = a.seq < b.seq ? a : b;
    const Polled& hi = a.seq < b.seq ? b : a;
    CHECK(hi.seq == lo.seq + 1);
    // In seq order, the bytes are in the order they were sent.
    std::string all = e2e_bytes(lo.frames) + e2e_bytes(hi.frames);
    CHECK(all.find('a') < all.find('b'));
}

TEST_CASE("a ping on poll up is answered on the next poll down") {
    Harness h;
    PolledPair p(h);
    std::string ping;
    wire::append_u64_frame(ping, wire::FrameType::ping, 99);
    CHECK(poll_up(h, p.client, ping) == 204);
    Polled got = poll_down(h, p.client, 5);
    REQUIRE(!got.frames.empty());
    bool pong = false;
    for (auto& f : got.frames) pong |= f.type == wire::FrameType::pong && wire::payload_u64(f) == 99;
    CHECK(pong);
}

TEST_CASE("stream uplink to poll downlink, and poll uplink to stream downlink") {
    Harness h;
    PolledPair p(h);
    Downlink desk_down(h, p.desk);
    CHECK(poll_up(h, p.client, data_frame(0, "to desk")) == 204);
    CHECK(desk_down.wait_bytes(std::string(8, '\0') + "to desk"));
    Uplink desk_up(h, p.desk);
    desk_up.send(data_frame(0, "to client"));
    std::string got;
    for (int i = 0; i < 20 && got.empty(); ++i) got = e2e_bytes(poll_down(h, p.client, 1).frames);
    CHECK(got == std::string(8, '\0') + "to client");
}

// A side moving back to stream mode leaves its last polls waiting at the
// relay (a poll carrier's two pollers; their client gave them up). Frames
// they took after the new downlink attached went nowhere: the new carrier's
// first pong (its echo failed, so the side stayed in poll mode) or data (a
// gap, resent a heartbeat later). e2e.poll.poll_to_stream failed so.
TEST_CASE("polls still waiting when their side opens a stream downlink take none of its frames") {
    Harness h;
    PolledPair p(h);
    auto first = std::async(std::launch::async, [&] { return poll_down(h, p.client, 20); });
    auto spare = std::async(std::launch::async, [&] { return poll_down(h, p.client, 20); });
    REQUIRE(wait_connected(h, p.desk));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the spare poll waits too

    Downlink client_down(h, p.client);
    REQUIRE(client_down.wait_for([](const std::vector<wire::Frame>& f) { return !f.empty(); }));
    CHECK(poll_up(h, p.desk, data_frame(0, "after the move")) == 204);
    CHECK(client_down.wait_bytes(std::string(8, '\0') + "after the move"));
    // Both polls were answered without frames, at the move.
    for (auto* poll : {&first, &spare}) {
        REQUIRE(poll->wait_for(kPatience) == std::future_status::ready);
        Polled old = poll->get();
        CHECK(old.status == 200);
        CHECK(e2e_bytes(old.frames).empty());
    }
}

TEST_CASE("malformed poll uploads answer 400 protocol_error") {
    Harness h;
    PolledPair p(h);
    const std::string partial = data_frame(0, "whole").substr(0, 9);
    for (const std::string& body : {std::string("\x7f\0\0\0\0", 5), partial}) {
        auto res = h.client()->Post("/v1/poll/up", Harness::bearer(p.desk), body, "application/octet-stream");
        REQUIRE(res);
        CHECK(res->status == 400);
        CHECK(json::parse(res->body)["error"] == "protocol_error");
    }
}

TEST_CASE("after the end a poll delivers end, then 410 ended_session") {
    Harness h;
    PolledPair p(h);
    REQUIRE(h.client()->Delete("/v1/session", Harness::bearer(p.desk))->status == 204);
    Polled last = poll_down(h, p.client, 0);
    if (last.status == 200) {  // the token may already be dead: both are correct
        REQUIRE(!last.frames.empty());
        CHECK(last.frames.back().type == wire::FrameType::end);
    }
    Polled after = poll_down(h, p.client, 0);
    CHECK(after.status == 410);
    CHECK(after.error == "ended_session");
}

TEST_CASE("random bytes on poll up and stream up never crash the relay") {
    Harness h;
    PolledPair p(h);
    std::mt19937 rng(7);
    int ok = 0, refused = 0;
    for (int i = 0; i < 200; ++i) {
        std::string body(rng() % 64, '\0');
        for (auto& c : body) c = static_cast<char>(rng() % 4 == 0 ? rng() % 0x14 : rng());
        auto res = h.client()->Post("/v1/poll/up", Harness::bearer(p.desk), body, "application/octet-stream");
        REQUIRE(res);
        CHECK((res->status == 204 || res->status == 400));
        (res->status == 204 ? ok : refused)++;
    }
    CHECK(refused > 0);
    for (int i = 0; i < 20; ++i) {
        Uplink up(h, p.client);
        std::string body(rng() % 4096, '\0');
        for (auto& c : body) c = static_cast<char>(rng());
        up.send(body);
        const int status = up.finish();
        CHECK((status == 200 || status == 400));
    }
    CHECK(h.client()->Get("/healthz")->status == 200);
}
