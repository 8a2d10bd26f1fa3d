// Units of desktop/ on both targets (under wine in the Windows build): the
// consent gate, change detection by tiles, the injection record, and ControlPresence with a fake
// notice and input.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "desktop/control_presence.h"
#include "desktop/injection_record.h"
#include "desktop/input_gate.h"
#include "desktop/tile_diff.h"
#include "remote/consent.h"

using namespace desktop;
using remote::Consent;

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

namespace {
// The platform pieces of ControlPresence, recording what they were asked.
struct FakeNotice : ControlNotice {
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
struct FakeLocalInput : LocalInput {
    Callback cb;
    void start(Callback c) override { cb = std::move(c); }
    void stop() override { cb = nullptr; }
};
}  // namespace

TEST_CASE("control presence: the bar follows control; the customer's hand or Stop withdraws control only") {
    Consent c(remote::ConsentState{false, true});
    FakeNotice notice;
    FakeLocalInput local;
    std::vector<std::string> said;
    ControlPresence p(&notice, &local, c, [&](const std::string& s) { said.push_back(s); });
    std::size_t said_when_off = 0;  // sentences said when control went off: the reason comes first
    c.on_change([&](remote::ConsentState s) {
        if (!s.control) said_when_off = said.size();
        p.consent_changed(s);
    });
    p.start();
    p.set_supporter("Bob");
    REQUIRE(local.cb);
    local.cb("moved the mouse");  // control is off: nothing to take back
    CHECK(said.empty());

    c.toggle_control();
    CHECK(notice.shown);
    CHECK(notice.supporter == "Bob");
    local.cb("moved the mouse");
    CHECK(c.state() == remote::ConsentState{false, true});  // file transfer untouched
    CHECK_FALSE(notice.shown);
    REQUIRE(said.size() == 1);
    CHECK(said_when_off == 1);
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

TEST_CASE("desktop: the injection record tells the supporter's events from the customer's hand", "[desktop]") {
    using Kind = desktop::InjectionRecord::Kind;
    desktop::InjectionRecord r;
    r.add(Kind::motion, 100, 200);
    r.add(Kind::key, 38, 0);
    // X11's rules: exact, and each event sent explains one event seen.
    CHECK(r.sent(Kind::motion, 100, 200, {}));
    CHECK_FALSE(r.sent(Kind::motion, 100, 200, {}));  // consumed: a second such move is the customer's
    CHECK_FALSE(r.sent(Kind::motion, 101, 200, {}));
    CHECK_FALSE(r.sent(Kind::key, 39, 0, {}));
    CHECK_FALSE(r.sent(Kind::motion, 38, 0, {}));  // a key is not a move
    // Windows' rules: a pixel of slack, kept for the echo from X.
    desktop::InjectionRecord w;
    w.add(Kind::motion, 100, 200);
    CHECK(w.sent(Kind::motion, 101, 199, {1, false}));
    CHECK(w.sent(Kind::motion, 100, 200, {1, false}));
    CHECK_FALSE(w.sent(Kind::motion, 102, 200, {1, false}));
    CHECK(r.sent(Kind::key, 38, 0, {0, false}));
}
