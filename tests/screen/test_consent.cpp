// Tests 3 and 4: consent is enforced on the customer's side. An X window on
// the customer's display records the input it receives; F11 is pressed on
// that display with xdotool, like the customer would.
#include <catch2/catch.hpp>

#include <X11/keysym.h>

#include "harness.h"
#include "pair.h"

using namespace screentest;

namespace {

// The recorder covers (100,100)-(500,400); (200,200) is inside it.
void click_and_type(screen::Viewer& v, std::uint32_t keysym) {
    v.send_pointer(200, 200, 1);
    v.send_pointer(200, 200, 0);
    v.send_key(keysym, true);
    v.send_key(keysym, false);
}
constexpr std::uint64_t kEventsPerClick = 4;

void press_f11(const std::string& display) {
    REQUIRE(run({"xdotool", "key", "F11"}, {"DISPLAY=" + display}) == 0);
}

bool desk_sees_control(Pair& p, bool on) {
    return wait_until([&] { return p.desk().consent().control == on && p.client().consent().control == on; });
}

struct Fixture {
    Xvfb x;
    EventRecorder rec{x.name(), 100, 100, 400, 300};
    StreamChannels ch;
    Pair pair{x.name(), ch.client(), ch.desk()};
    Fixture() { REQUIRE(wait_until([&] { return pair.viewer().frames() >= 1; })); }

    // Sends a click+key and waits until the customer side refused all of it.
    void send_refused(std::uint32_t keysym) {
        std::uint64_t before = pair.client().dropped_input();
        click_and_type(pair.viewer(), keysym);
        REQUIRE(wait_until([&] { return pair.client().dropped_input() >= before + kEventsPerClick; }));
    }
};

}  // namespace

TEST_CASE("control off: desk input does not reach the display; F11 grants, F11 again revokes") {
    Fixture f;
    CHECK(f.pair.desk().consent() == remote::ConsentState{});
    f.send_refused(XK_a);
    CHECK(f.rec.events().empty());

    press_f11(f.x.name());
    REQUIRE(desk_sees_control(f.pair, true));
    click_and_type(f.pair.viewer(), XK_b);
    REQUIRE(wait_until([&] { return f.rec.saw_button(1) && f.rec.saw_key(XK_b); }));
    CHECK_FALSE(f.rec.saw_key(XK_a));

    press_f11(f.x.name());
    REQUIRE(desk_sees_control(f.pair, false));
    f.rec.clear();
    f.send_refused(XK_c);
    CHECK(f.rec.events().empty());
}

TEST_CASE("F11/F12 sent by the desk never change the permissions nor reach the display") {
    Fixture f;
    for (auto key : {XK_F11, XK_F12}) {
        std::uint64_t before = f.pair.client().dropped_input();
        f.pair.viewer().send_key(key, true);
        f.pair.viewer().send_key(key, false);
        REQUIRE(wait_until([&] { return f.pair.client().dropped_input() >= before + 2; }));
    }
    CHECK(f.pair.client().consent() == remote::ConsentState{});

    press_f11(f.x.name());  // the customer grants control: still no self-granting
    REQUIRE(desk_sees_control(f.pair, true));
    for (int i = 0; i < 3; ++i)
        for (auto key : {XK_F11, XK_F12}) {
            f.pair.viewer().send_key(key, true);
            f.pair.viewer().send_key(key, false);
        }
    f.pair.viewer().send_key(XK_z, true);  // marker: processed after the F-keys
    f.pair.viewer().send_key(XK_z, false);
    REQUIRE(wait_until([&] { return f.rec.saw_key(XK_z); }));
    CHECK(f.pair.client().consent() == remote::ConsentState{true, false});
    CHECK(f.pair.desk().consent() == remote::ConsentState{true, false});
    CHECK_FALSE(f.rec.saw_key(XK_F11));
    CHECK_FALSE(f.rec.saw_key(XK_F12));
}

TEST_CASE("F12 toggles file transfer and both sides show it; the end releases the hotkeys") {
    Xvfb x;
    {
        StreamChannels ch;
        Pair pair(x.name(), ch.client(), ch.desk());
        REQUIRE(wait_until([&] { return pair.viewer().frames() >= 1; }));
        REQUIRE(run({"xdotool", "key", "F12"}, {"DISPLAY=" + x.name()}) == 0);
        CHECK(wait_until([&] { return pair.desk().consent() == remote::ConsentState{false, true}; }));
        pair.stop();
        CHECK(pair.client().consent() == remote::ConsentState{});
    }
    // After the session the keys are free: another program can grab them.
    auto hk = x11desktop::make_x11_hotkeys(x.name());
    CHECK_NOTHROW(hk->start([](desktop::Hotkey) {}));
    hk->stop();
}
