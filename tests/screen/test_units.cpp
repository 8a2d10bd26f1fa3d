// Pure units of screen/: control protocol, consent, input gate, tile diff,
// and how a desk session ends without a display.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>

#include "remote/consent.h"
#include "remote/control_channel.h"
#include "remote/control_protocol.h"
#include "screen/control_presence.h"
#include "screen/desk_session.h"
#include "screen/input_gate.h"
#include "screen/tile_diff.h"
#include "session/byte_stream.h"

using namespace screen;
using namespace remote;

TEST_CASE("control messages decode, one row per edge case") {
    struct Row {
        const char* line;
        bool ok;
        MessageType type;
    };
    const Row rows[] = {
        {R"({"type":"hello","version":1,"role":"desk","name":"Bob"})", true, MessageType::hello},
        {R"({"type":"hello","version":1,"role":"desk"})", true, MessageType::hello},  // name optional
        {R"({"type":"hello","role":"desk"})", false, MessageType::unknown},          // version required
        {R"({"type":"consent","control":true,"files":false})", true, MessageType::consent},
        {R"({"type":"consent","control":"yes","files":false})", false, MessageType::unknown},
        {R"({"type":"ping","t":42})", true, MessageType::ping},
        {R"({"type":"pong","t":-1})", true, MessageType::pong},
        {R"({"type":"bye"})", true, MessageType::bye},
        {R"({"type":"control_request"})", true, MessageType::control_request},
        {R"({"type":"control_answer","answer":"denied"})", true, MessageType::control_answer},
        {R"({"type":"control_answer"})", false, MessageType::unknown},  // answer required
        {R"({"type":"from-the-future","x":1})", true, MessageType::unknown},
        {R"({"notype":1})", false, MessageType::unknown},
        {R"([1,2])", false, MessageType::unknown},
        {R"({"type":"hello",)", false, MessageType::unknown},
        {"", false, MessageType::unknown},
    };
    for (const Row& r : rows) {
        INFO(r.line);
        auto m = decode(r.line);
        REQUIRE(m.has_value() == r.ok);
        if (m) CHECK(m->type == r.type);
    }
}

TEST_CASE("control messages round-trip") {
    auto m = decode(encode(Message::consent_state({true, false})));
    REQUIRE(m);
    CHECK(m->consent == ConsentState{true, false});
    auto h = decode(encode(Message::hello("client", "Zoë \"q\"\n")));
    REQUIRE(h);
    CHECK(h->name == "Zoë \"q\"\n");
    CHECK(h->version == kControlVersion);
    CHECK(encode(Message::ping(7)).find('\n') == std::string::npos);
    auto r = decode(encode(Message::control_request()));
    REQUIRE(r);
    CHECK(r->type == MessageType::control_request);
    auto a = decode(encode(Message::control_answer(remote::kAnswerAsked)));
    REQUIRE(a);
    CHECK(a->answer == "asked");
}

TEST_CASE("control channel reads lines split across reads and rejects garbage") {
    auto [a, b] = session::make_stream_pair();
    ControlChannel in(*b);
    std::string bytes = encode(Message::ping(1)) + "\n" + encode(Message::bye("x")) + "\nnot json\n";
    for (char c : bytes) a->write(&c, 1);  // worst case: one byte per read
    a->shutdown_write();
    CHECK(in.receive()->type == MessageType::ping);
    CHECK(in.receive()->type == MessageType::bye);
    CHECK_THROWS_AS(in.receive(), ProtocolError);
}

TEST_CASE("consent: view-only by default, toggles, end drops every right") {
    Consent c;
    std::vector<ConsentState> seen;
    c.on_change([&](ConsentState s) { seen.push_back(s); });
    CHECK_FALSE(c.allows_control());
    CHECK_FALSE(c.allows_files());
    c.toggle_control();
    CHECK(c.allows_control());
    c.toggle_files();
    c.toggle_control();
    CHECK(c.state() == ConsentState{false, true});
    c.end();
    CHECK(c.state() == ConsentState{});
    c.toggle_control();  // ignored after the end
    CHECK_FALSE(c.allows_control());
    REQUIRE(seen.size() == 4);
    CHECK(seen.back() == ConsentState{});
}

namespace {
// The platform pieces of ControlPresence, recording what they were asked.
struct FakeNotice : screen::ControlNotice {
    bool shown = false;
    std::string supporter;
    std::function<void()> stop;
    void show(const std::string& who, std::function<void()> on_stop) override {
        shown = true;
        supporter = who;
        stop = std::move(on_stop);
    }
    void hide() override { shown = false; }
};
struct FakeLocalInput : screen::LocalInput {
    Callback cb;
    void start(Callback c) override { cb = std::move(c); }
    void stop() override { cb = nullptr; }
};
}  // namespace

TEST_CASE("control presence: the bar follows control; the customer's hand or Stop withdraws control only") {
    Consent c(ConsentState{false, true});
    FakeNotice notice;
    FakeLocalInput local;
    std::vector<std::string> said;
    screen::ControlPresence p(&notice, &local, c, [&](const std::string& s) { said.push_back(s); });
    c.on_change([&](ConsentState s) { p.consent_changed(s); });
    p.start();
    p.set_supporter("Bob");
    REQUIRE(local.cb);
    local.cb("moved the mouse");  // control is off: nothing to take back
    CHECK(said.empty());

    c.toggle_control();
    CHECK(notice.shown);
    CHECK(notice.supporter == "Bob");
    local.cb("moved the mouse");
    CHECK(c.state() == ConsentState{false, true});  // file transfer untouched
    CHECK_FALSE(notice.shown);
    REQUIRE(said.size() == 1);
    CHECK(said[0] == "You moved the mouse, so Bob no longer controls your computer. "
                     "Press F11 to let them control it again.");

    c.toggle_control();
    REQUIRE(notice.stop);
    notice.stop();  // the bar's Stop button
    CHECK_FALSE(c.allows_control());
    CHECK(said.back().find("You clicked Stop, so Bob") == 0);
    p.stop();
    CHECK_FALSE(local.cb);
}

namespace {
struct FakeInjector : InputInjector {
    std::vector<std::string> log;
    void pointer(int x, int y, int mask) override {
        log.push_back("p" + std::to_string(x) + "," + std::to_string(y) + "," + std::to_string(mask));
    }
    void key(std::uint32_t sym, bool down) override { log.push_back((down ? "k+" : "k-") + std::to_string(sym)); }
};
}  // namespace

TEST_CASE("input gate: nothing passes without control; F11/F12 never pass") {
    FakeInjector inj;
    Consent c;
    InputGate g(inj, c);
    g.pointer(1, 2, 1);
    g.key('a', true);
    CHECK(inj.log.empty());
    CHECK(g.dropped() == 2);
    c.toggle_control();
    g.key(0xffc8, true);  // F11
    g.key(0xffc9, true);  // F12
    CHECK(inj.log.empty());
    g.pointer(3, 4, 1);
    g.key('a', true);
    CHECK(inj.log == std::vector<std::string>{"p3,4,1", "k+97"});
}

TEST_CASE("input gate: revoking releases held keys and buttons") {
    FakeInjector inj;
    Consent c({true, false});
    InputGate g(inj, c);
    g.pointer(5, 6, 4);
    g.key('x', true);
    inj.log.clear();
    c.toggle_control();
    g.revoke();
    CHECK(inj.log == std::vector<std::string>{"k-120", "p5,6,0"});
    g.key('x', false);  // the desk's late release is dropped
    CHECK(inj.log.size() == 2);
}

TEST_CASE("tile diff reports only changed tiles and merges neighbours") {
    Frame a, b;
    a.width = b.width = 100;
    a.height = b.height = 70;
    a.pixels.assign(100 * 70, 0);
    b.pixels = a.pixels;
    b.pixels[5 * 100 + 40] = 1;  // tile (1,0)
    b.pixels[5 * 100 + 70] = 1;  // tile (2,0): merged with (1,0)
    b.pixels[69 * 100 + 99] = 1; // last partial tile (3,2)
    std::vector<Rect> rects;
    int n = update_changed_tiles(a, b, [&](Rect r) { rects.push_back(r); });
    CHECK(n == 3);
    REQUIRE(rects.size() == 2);
    // Neighbour tiles (1,0) and (2,0) merged, then shrunk to the changed pixels.
    CHECK((rects[0].x == 40 && rects[0].y == 5 && rects[0].w == 31 && rects[0].h == 1));
    CHECK((rects[1].x == 99 && rects[1].y == 69 && rects[1].w == 1 && rects[1].h == 1));
    CHECK(a.pixels == b.pixels);
    CHECK(update_changed_tiles(a, b, [](Rect) {}) == 0);
}

#include "remote/relay_connector.h"
#include "remote/status.h"

TEST_CASE("relay session states become status lines once per change") {
    using session::SessionState;
    struct Row {
        SessionState now, before;
        const char* detail;
        std::string want;
    };
    const Row rows[] = {
        {SessionState::connecting, SessionState::connecting, "stream mode through proxy 10.0.0.1:3128",
         "Connecting (stream mode through proxy 10.0.0.1:3128)..."},
        {SessionState::waiting_for_peer, SessionState::connecting, "", "Waiting for the supporter..."},
        {SessionState::waiting_for_peer, SessionState::waiting_for_peer, "", ""},  // RTT sample only
        {SessionState::connected, SessionState::waiting_for_peer, "", ""},          // the hello says more
        {SessionState::reconnecting, SessionState::connected, "carrier broke", "Reconnecting... (carrier broke)"},
        {SessionState::connected, SessionState::reconnecting, "poll mode", "Connected again (poll mode)"},
        {SessionState::ended, SessionState::connected, "the peer left", "Ended (the peer left)"},
    };
    for (const Row& r : rows) {
        session::SessionStatus s;
        s.state = r.now;
        s.detail = r.detail;
        CHECK(describe_status(s, r.before, "the supporter") == r.want);
    }
}

// The supporter clicks "End" while the session is still being set up: run()
// must end at once with that reason and send nothing on the closed channel.
TEST_CASE("a desk stopped before run() ends with the stop's reason and sends nothing") {
    auto control = session::make_stream_pair();
    auto rfb = session::make_stream_pair();
    DeskSession desk("Supporter", {}, {}, {});
    desk.stop("the supporter cancelled");
    rfb.first->close();  // the customer's side of the screen is gone too
    auto ended = std::async(std::launch::async, [&] { return desk.run(Channels{*control.second, *rfb.second}); });
    if (ended.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
        control.first->close();
        rfb.second->close();
        FAIL("run() did not return after an early stop");
    }
    CHECK(ended.get() == "the supporter cancelled");
    char c;
    CHECK(control.first->read(&c, 1) == 0);  // no hello, no bye: the channel was closed unused
}
