// Messages wrap inside their own box (issue 16, item 6: long sentences ran
// over the buttons under them). Two boxes with the same long sentence in a
// real FLTK window under Xvfb: the one left at its size draws outside its
// box (what the windows did before), the one given desk::fit_label stays
// inside: every pixel around it is the window's background. Screenshot.
#include <catch2/catch.hpp>

#include <FL/Fl.H>
#include <FL/Fl_Box.H>
#include <FL/Fl_Window.H>
#include <FL/x.H>

#include <cstdlib>

#include "fit_label.h"
#include "harness.h"
#include "screen/png.h"

using namespace screentest;

namespace {

constexpr int kBoxX = 10, kBoxW = 450, kBoxH = 34, kGap = 40;  // px; the desk's status box is 450 x 34
constexpr std::uint32_t kBg = 0xC0C0C0, kBoxBg = 0xFFFFFF;
const char* const kLong =
    "Reconnecting... (the connection to the relay relay.example.com:443 was cut off (by the network or a proxy "
    "on the way)); the relay no longer knows this session (401): it ended there or the relay restarted; start a "
    "new session  |  Security code 482913 (the customer sees the same?)";

// Any pixel of the band [y0, y1) x [kBoxX - 6, kBoxX + kBoxW + 6) that is not the window's background?
bool ink_in(const desktop::Frame& f, int wx, int wy, int y0, int y1) {
    for (int y = y0; y < y1; ++y)
        for (int x = kBoxX - 6; x < kBoxX + kBoxW + 6; ++x)
            if (f.at(wx + x, wy + y) != kBg) return true;
    return false;
}

}  // namespace

TEST_CASE("a long message fits its box with fit_label; without it, it runs over its neighbours") {
    Xvfb display(800, 600);
    ::setenv("DISPLAY", display.name().c_str(), 1);
    Fl_Window win(0, 0, 500, 40 + 2 * (kBoxH + kGap), "fit");
    win.color(fl_rgb_color(0xC0, 0xC0, 0xC0));
    Fl_Box plain(kBoxX, kGap, kBoxW, kBoxH), fitted(kBoxX, 2 * kGap + kBoxH, kBoxW, kBoxH);
    for (Fl_Box* b : {&plain, &fitted}) {
        b->box(FL_FLAT_BOX);
        b->color(FL_WHITE);
        b->labelsize(14);
        b->align(FL_ALIGN_LEFT | FL_ALIGN_INSIDE | FL_ALIGN_WRAP);
        b->label(kLong);
    }
    win.end();
    desk::fit_label(fitted, 14);
    win.show();
    int wx = 0, wy = 0;
    REQUIRE(wait_until([&] {
        Fl::check();
        return find_window(display.name(), "fit", wx, wy) && grab(display.name()).at(wx + kBoxX + 2, wy + kGap + 2) == kBoxBg;
    }));
    for (int i = 0; i < 20; ++i) Fl::check();
    desktop::Frame f = grab(display.name());
    screen::write_png(artefact_dir() + "/fit-label.png", f);

    CHECK(fitted.labelsize() < 14);
    CHECK(fitted.labelsize() >= 10);
    // The box left alone spills above and below itself (the old behaviour) ...
    CHECK((ink_in(f, wx, wy, kGap - 8, kGap) || ink_in(f, wx, wy, kGap + kBoxH, kGap + kBoxH + 8)));
    // ... the fitted one does not.
    int top = 2 * kGap + kBoxH;
    CHECK_FALSE(ink_in(f, wx, wy, top - 8, top));
    CHECK_FALSE(ink_in(f, wx, wy, top + kBoxH, top + kBoxH + 8));
    win.hide();
    Fl::check();
}
