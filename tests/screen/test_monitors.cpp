// Issue 19 item 3: the desk chooses one of the customer's monitors or all
// of them, without reconnecting. The customer's Xvfb is 1600x600 with two
// RandR 1.5 monitors (left L, right R) defined with XRRSetMonitor, what
// `xrandr --setmonitor` asks for (xrandr 1.5.1's own call has no effect on
// Xvfb 21.1: its list stays one monitor);
// the sessions run in this process (desk at once and 2 s late).
#include <catch2/catch.hpp>

#include "harness.h"
#include "pair.h"
#include "screen/png.h"

#include <X11/Xlib.h>
#include <X11/extensions/Xrandr.h>

using namespace screentest;

namespace {

void set_monitor(const std::string& display, const char* name, int x, int y, int w, int h) {
    Display* d = XOpenDisplay(display.c_str());
    REQUIRE(d);
    XRRMonitorInfo* m = XRRAllocateMonitor(d, 0);
    m->name = XInternAtom(d, name, False);
    m->x = x;
    m->y = y;
    m->width = w;
    m->height = h;
    m->mwidth = w * 254 / 960;  // 96 dpi, in mm
    m->mheight = h * 254 / 960;
    XRRSetMonitor(d, DefaultRootWindow(d), m);
    XSync(d, False);
    XRRFreeMonitors(m);
    XCloseDisplay(d);
}

int index_of(const remote::MonitorList& l, const std::string& name) {
    for (std::size_t i = 0; i < l.list.size(); ++i)
        if (l.list[i].name == name) return static_cast<int>(i);
    return -2;
}

desktop::Frame crop(const desktop::Frame& f, int x, int y, int w, int h) {
    desktop::Frame out;
    out.width = w;
    out.height = h;
    for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c) out.pixels.push_back(f.at(x + c, y + r));
    return out;
}

}  // namespace

TEST_CASE("the desk shows the chosen monitor, and a click lands on that monitor's pixel", "[monitors]") {
    auto delay = GENERATE(0ms, 2000ms);
    Xvfb x(1600, 600);
    set_monitor(x.name(), "L", 0, 0, 800, 600);
    set_monitor(x.name(), "R", 800, 0, 800, 600);
    paint(x.name(), make_pattern(1600, 600, 3));
    desktop::Frame whole = grab(x.name());

    auto capture = x11desktop::make_x11_capture(x.name());
    auto input = x11desktop::make_x11_input(x.name());
    auto hotkeys = x11desktop::make_x11_hotkeys(x.name());
    auto monitors = x11desktop::make_x11_monitors(x.name());
    StreamChannels ch;
    screen::ClientSession client({*capture, *input.injector, *hotkeys, nullptr, nullptr, nullptr, monitors.get()},
                                 "Customer", remote::ConsentState{true, false}, {});
    screen::DeskSession desk("Supporter", {}, {}, {});
    std::thread ct([&] { client.run(ch.client()); });
    std::thread dt([&] {
        std::this_thread::sleep_for(delay);
        desk.run(ch.desk());
    });
    struct Join {
        screen::DeskSession& d;
        screen::ClientSession& c;
        std::thread &a, &b;
        ~Join() {
            d.stop();
            c.stop();
            a.join();
            b.join();
        }
    } join{desk, client, ct, dt};

    REQUIRE(wait_until([&] { return desk.viewer().frames() >= 1; }, 20s));
    CHECK(desk.monitors().shown == -1);
    CHECK(count_diff(desk.viewer().snapshot(), whole) == 0);  // all monitors
    int r = index_of(desk.monitors(), "R"), l = index_of(desk.monitors(), "L");
    REQUIRE(r >= 0);
    REQUIRE(l >= 0);
    CHECK(desk.monitors().list[r].x == 800);
    CHECK(desk.monitors().list[r].w == 800);

    desk.select_monitor(r);
    REQUIRE(wait_until([&] { return desk.monitors().shown == r; }));
    desktop::Frame right = crop(whole, 800, 0, 800, 600);
    CHECK(wait_until([&] { return count_diff(desk.viewer().snapshot(), right) == 0; }));
    screen::write_png(artefact_dir() + "/monitors-right.png", desk.viewer().snapshot());

    // A window on the right monitor only; the desk clicks at (150, 120) of its picture.
    EventRecorder rec(x.name(), 900, 100, 300, 200);
    desk.viewer().send_pointer(150, 120, 1);
    desk.viewer().send_pointer(150, 120, 0);
    REQUIRE(wait_until([&] { return rec.saw_button(1); }));
    auto ev = rec.events();
    REQUIRE(!ev.empty());
    CHECK(ev.back().x == 150 + 800 - 900);  // root (950, 120) in the window at (900, 100)
    CHECK(ev.back().y == 120 - 100);

    desk.select_monitor(l);
    CHECK(wait_until([&] { return count_diff(desk.viewer().snapshot(), crop(grab(x.name()), 0, 0, 800, 600)) == 0; }));
    desk.select_monitor(-1);  // back to all, same session
    CHECK(wait_until([&] { return desk.viewer().width() == 1600 && count_diff(desk.viewer().snapshot(), grab(x.name())) == 0; }));
}
