// e2e.winclient.screen: tether-client.exe under wine on its own Xvfb serves
// the wine desktop to the Linux tether-desk through a real tether-relay.
// A known window (paint_window.exe) is drawn on the wine desktop; the
// desk's first full frame (--snapshot) must equal an XGetImage of the
// display pixel for pixel, and a second window drawn later must reach the
// desk's picture (read through its --vnc-listen) exactly too.
#include <catch2/catch.hpp>

#include "screen/png.h"
#include "support/net.h"
#include "winclient_fixture.h"

using namespace wintest;
using test_support::Relay;

namespace {

// paint_window.exe's first colour band for `seed` (tests/winclient/paint_window.cpp).
std::uint32_t band_colour(int seed) {
    static const std::uint32_t kColours[] = {0xd03020, 0x20a040, 0x2050d0, 0xf0e010, 0x101010, 0xfafafa, 0x8040c0};
    return kColours[seed % 7];
}

// paint_window.exe under wine. Its destructor ends every wine process of
// the prefix (wineserver -k): wine's helpers (wineserver, explorer) are
// started by the first wine program and keep its output pipes open, so
// its Process would otherwise wait for them as long as the client runs.
struct WineWindow {
    std::unique_ptr<test_support::Process> process;
    ~WineWindow() { run({"wineserver", "-k"}, {std::string("WINEPREFIX=") + WINE_PREFIX_SCREEN}); }
};

// paint_window.exe at (x, y), w x h; returns once its first band shows on the display.
std::unique_ptr<WineWindow> paint_window(const std::string& display, int x, int y, int w, int h, int seed) {
    auto win = std::make_unique<WineWindow>();
    win->process = std::make_unique<test_support::Process>(on_display(
        {PAINT_WINDOW_EXE, std::to_string(x), std::to_string(y), std::to_string(w), std::to_string(h),
         std::to_string(seed)},
        display, WINE_PREFIX_SCREEN));
    INFO("paint_window.exe seed " << seed);
    REQUIRE(wait_until([&] { return grab(display).at(x + 4, y + 4) == band_colour(seed); }, 90s));
    return win;
}

bool png_complete(const std::string& path) {
    try {
        return screen::read_png(path).width > 0;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

TEST_CASE("windows client: the desk shows the wine desktop pixel for pixel, and a change arrives", "[screen]") {
    Xvfb x(800, 600);
    Relay relay;
    Scratch dir;
    std::string first = dir / "first.png";
    int vnc_port = test_support::free_port();
    Session s(relay_args(relay), {"--snapshot", first, "--vnc-listen", "127.0.0.1:" + std::to_string(vnc_port)});
    auto window1 = paint_window(x.name(), 100, 80, 240, 160, 1);

    auto t0 = std::chrono::steady_clock::now();
    s.client = std::make_unique<test_support::Process>(
        on_display(Args{WINCLIENT_EXE} + client_args(s, "Z:" + s.client_in.path()) + relay_args(relay), x.name(),
                   WINE_PREFIX_SCREEN));
    if (!wait_until([&] { return png_complete(first); }, 120s))
        FAIL("no first frame at the desk; client stderr:\n" << lf(s.client->err()));
    WARN("code typed to the desk's first full frame: "
         << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s (wine start included)");
    desktop::Frame expected = grab(x.name());
    desktop::Frame got = screen::read_png(first);
    REQUIRE(got.width == 800);
    REQUIRE(got.height == 600);
    long diff = count_diff(got, expected);
    if (diff) {
        screen::write_png(artefact_dir() + "/winclient-screen-desk.png", got);
        screen::write_png(artefact_dir() + "/winclient-screen-xvfb.png", expected);
    }
    CHECK(diff == 0);
    CHECK(read_status(s.desk_status)["phase"] == "connected");

    DeskPicture desk(vnc_port);
    REQUIRE(desk.shows(expected, 30s));
    auto window2 = paint_window(x.name(), 420, 300, 200, 120, 2);
    auto t1 = std::chrono::steady_clock::now();
    desktop::Frame changed = grab(x.name());
    bool arrived = desk.shows(changed, 10s);
    if (!arrived) screen::write_png(artefact_dir() + "/winclient-screen-change.png", desk.picture());
    CHECK(arrived);
    WARN("a new window on the wine desktop reached the desk in "
         << std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count() << " s");
}
