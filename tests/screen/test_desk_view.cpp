// Issue 16 item 3: the desk's "Send file..." dialog does not freeze the
// supporter's view of the customer's screen. The desk runs as a window
// under its own Xvfb; the customer is a headless client serving another.
#include <catch2/catch.hpp>

#include "programs.h"
#include "screen/png.h"

using namespace screentest;

namespace {

constexpr int kDeskBar = 110;          // desk/desk_window.cpp: the bar above the screen area
constexpr int kSendX = 955, kSendY = 80;  // the "Send file..." button inside the desk window
const char* kChooserTitle = "Send file to the customer";

void fill_customer(const std::string& display, std::uint32_t rgb) {
    screen::Frame f;
    f.width = 800;
    f.height = 600;
    f.pixels.assign(800 * 600, rgb);
    paint(display, f);
}

}  // namespace

TEST_CASE("the desk's view keeps following the customer's screen while its file dialog is open") {
    bool client_late = GENERATE(false, true);  // the customer joining at once, or 3 s after the code
    Xvfb customer(800, 600), supporter(1100, 860);
    fill_customer(customer.name(), 0x102030);
    std::string dir = temp_dir(), ds = dir + "/desk.status";
    std::string addr = "127.0.0.1:" + std::to_string(free_port());
    Process desk({desk_binary(), "--start", "--direct-listen", addr, "--status-file", ds},
                 {"DISPLAY=" + supporter.name()});
    int dx = 0, dy = 0;
    REQUIRE(wait_until([&] { return find_window(supporter.name(), "Tether desk", dx, dy); }));
    REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }));
    if (client_late) std::this_thread::sleep_for(3s);
    Process client({client_binary(), "--headless", "--display", customer.name(), "--code", read_status(ds)["code"],
                    "--direct-connect", addr});
    REQUIRE(wait_status(ds, "phase", "connected"));
    // A spot of the screen area near its top-left corner, away from where a dialog opens.
    auto desk_spot = [&] { return grab(supporter.name()).at(dx + 30, dy + kDeskBar + 30); };
    REQUIRE(wait_until([&] { return desk_spot() == 0x102030; }));

    REQUIRE(xdotool(supporter.name(), {"mousemove", std::to_string(dx + kSendX), std::to_string(dy + kSendY),
                                       "click", "1"}) == 0);
    int cx, cy;
    REQUIRE(wait_until([&] { return find_window(supporter.name(), kChooserTitle, cx, cy); }));
    for (std::uint32_t color : {0xC04010u, 0x20A040u, 0x3050E0u}) {
        fill_customer(customer.name(), color);
        CHECK(wait_until([&] { return desk_spot() == color; }, 3s));
    }
    screen::write_png(artefact_dir() + "/desk-view-with-file-dialog.png", grab(supporter.name()));
    CHECK(find_window(supporter.name(), kChooserTitle, cx, cy));  // still open all along
}
