// Issue 16 item 2: consent the customer cannot miss. While control is on, a
// bar across the top of the customer's screen says who controls it, above
// a full-screen window too, and its Stop button ends control; the
// customer's own mouse movement or key press ends control at once, the
// supporter's injected input does not. The customer "acts" with xdotool on
// their display; the desk's input goes through the real session.
#include <catch2/catch.hpp>

#include <X11/keysym.h>

#include "harness.h"
#include "pair.h"
#include "screen/png.h"

using namespace screentest;

namespace {

constexpr std::uint32_t kBarOrange = 0xE05A00;   // x11_control_notice.cpp
constexpr int kStopX = 800 - 8 - 110 / 2, kStopY = 20;  // the Stop button on an 800 px wide screen
constexpr std::uint32_t kRecorderColor = 0x203040;  // EventRecorder's background

void xdo(const std::string& display, std::vector<std::string> args) { REQUIRE(xdotool(display, args) == 0); }

bool control_is(Pair& p, bool on) {
    return wait_until([&] { return p.desk().consent().control == on && p.client().consent().control == on; }, 5s);
}

// Desk input while control is off: refused on the customer's side, none reaches the window.
void check_desk_input_ignored(Pair& p, EventRecorder& rec) {
    rec.clear();
    std::uint64_t before = p.client().dropped_input();
    p.viewer().send_pointer(400, 300, 1);
    p.viewer().send_pointer(400, 300, 0);
    p.viewer().send_key(XK_q, true);
    p.viewer().send_key(XK_q, false);
    CHECK(wait_until([&] { return p.client().dropped_input() >= before + 4; }));
    CHECK(rec.events().empty());
}

}  // namespace

TEST_CASE("the control bar is on top of a full-screen window and its Stop button ends control") {
    auto desk_delay = GENERATE(0ms, 2000ms);
    Xvfb x;
    paint(x.name(), make_pattern(800, 600, 2));
    StreamChannels ch;
    Pair pair(x.name(), ch.client(), ch.desk(), {}, {}, desk_delay, true);
    REQUIRE(wait_until([&] { return pair.viewer().frames() >= 1; }));
    xdo(x.name(), {"mousemove", std::to_string(kStopX), std::to_string(kStopY)});  // before control is on
    CHECK(grab(x.name()).at(20, 5) != kBarOrange);

    xdo(x.name(), {"key", "F11"});
    REQUIRE(control_is(pair, true));
    EventRecorder fullscreen(x.name(), 0, 0, 800, 600);  // mapped after the bar, raised over it
    CHECK(wait_until([&] {
        desktop::Frame s = grab(x.name());
        return s.at(20, 5) == kBarOrange && s.at(400, 300) == kRecorderColor;
    }, 5s));
    desktop::Frame shot = grab(x.name());
    screen::write_png(artefact_dir() + "/presence-bar-over-fullscreen.png", shot);
    CHECK(shot.at(20, 38) == kBarOrange);     // the bar's whole height...
    CHECK(shot.at(20, 45) == kRecorderColor);  // ...and no more
    // The supporter sees what the customer sees: the bar is in the desk's picture.
    CHECK(wait_until([&] { return pair.viewer().snapshot().at(20, 5) == kBarOrange; }));

    xdo(x.name(), {"click", "1"});  // on Stop, without moving
    CHECK(control_is(pair, false));
    CHECK(pair.status().find("You clicked Stop, so Supporter no longer controls your computer") == 0);
    CHECK(wait_until([&] { return grab(x.name()).at(20, 5) == kRecorderColor; }));  // the bar is gone
    check_desk_input_ignored(pair, fullscreen);
}

TEST_CASE("the customer's own mouse or keyboard takes control back, the supporter's input does not") {
    auto desk_delay = GENERATE(0ms, 2000ms);
    Xvfb x;
    EventRecorder rec(x.name(), 100, 100, 600, 400);
    StreamChannels ch;
    Pair pair(x.name(), ch.client(), ch.desk(), {}, {}, desk_delay, true);
    REQUIRE(wait_until([&] { return pair.viewer().frames() >= 1; }));
    xdo(x.name(), {"key", "F11"});
    REQUIRE(control_is(pair, true));

    // The supporter moves, clicks and types: control stays on.
    for (int i = 0; i < 20; ++i) pair.viewer().send_pointer(150 + i * 20, 150 + i * 10, 0);
    pair.viewer().send_pointer(300, 300, 1);
    pair.viewer().send_pointer(300, 300, 0);
    pair.viewer().send_key(XK_b, true);
    pair.viewer().send_key(XK_b, false);
    REQUIRE(wait_until([&] { return rec.saw_button(1) && rec.saw_key(XK_b); }));
    std::this_thread::sleep_for(300ms);  // time for any raw event to be (mis)taken as the customer's
    CHECK(pair.client().consent().control);

    xdo(x.name(), {"mousemove_relative", "--", "40", "30"});  // the customer's hand: a device motion (a warp is not a hand)
    CHECK(control_is(pair, false));
    CHECK(pair.status().find("You moved the mouse, so Supporter no longer controls your computer") == 0);
    check_desk_input_ignored(pair, rec);

    xdo(x.name(), {"key", "F11"});  // F11 itself does not count as taking control back
    REQUIRE(control_is(pair, true));
    std::this_thread::sleep_for(300ms);
    CHECK(pair.client().consent().control);
    xdo(x.name(), {"key", "x"});
    CHECK(control_is(pair, false));
    CHECK(pair.status().find("You pressed a key") == 0);
}
