// Test 6: both windows under Xvfb in each state. The customer types the code
// and clicks Connect with xdotool; F11/F12 are pressed on the customer's
// display. Checks: window titles, --status-file text, known pixel colors of
// the permission boxes, and the desk's 1:1 view equal to the customer's
// screen; the supporter's Request control (issue 16) shows the customer a
// prompt whose Deny and Allow decide. Screenshots are kept under the build
// dir (artefacts/).
#include <catch2/catch.hpp>

#include <functional>

#include "programs.h"
#include "screen/png.h"

using namespace screentest;

namespace {

// Widget positions inside the windows (client/client_window.cpp, desk/desk_window.cpp).
constexpr Spot kClientControl{415, 145}, kClientFiles{415, 189}, kClientDisconnect{355, 253};
constexpr Spot kDeskControl{725, 14}, kDeskFiles{725, 46}, kDeskRequest{815, 56};
constexpr Spot kClientAllow{119, 199}, kClientDeny{321, 199};  // the prompt over the permission boxes
constexpr std::uint32_t kOff = 0xDDDDDD, kControlOn = 0xE05A00, kFilesOn = 0x1E78C8;

}  // namespace

TEST_CASE("GUI: code shown, connected, permissions toggled, disconnected") {
    Xvfb customer(800, 600), supporter(1100, 860);
    paint(customer.name(), make_pattern(800, 600, 5));
    std::string dir = temp_dir(), ds = dir + "/desk.status", cs = dir + "/client.status";
    std::string addr = "127.0.0.1:" + std::to_string(free_port());

    Process desk({desk_binary(), "--start", "--direct-listen", addr, "--status-file", ds},
                 {"DISPLAY=" + supporter.name()});
    Win dw{supporter.name(), "Tether desk"};
    dw.locate();
    REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }));
    std::string code = read_status(ds)["code"];
    CHECK(dw.pixel_is(kDeskControl, kOff));
    screenshot(supporter.name(), "desk-1-code-shown");

    Process client({client_binary(), "--direct-connect", addr, "--status-file", cs, "--name", "Alice"},
                   {"DISPLAY=" + customer.name()});
    Win cw{customer.name(), "Tether customer"};
    cw.locate();
    CHECK(cw.pixel_is(kClientControl, kOff));  // drawn
    screenshot(customer.name(), "client-1-start");
    cw.click(kClientCode);
    REQUIRE(xdotool(customer.name(), {"type", "--delay", "20", "x" + code}) == 0);  // 'x' is filtered out
    REQUIRE(xdotool(customer.name(), {"key", "Return"}) == 0);
    REQUIRE(wait_status(ds, "status", "Connected to Alice"));
    REQUIRE(wait_status(cs, "status", "Connected to Supporter"));
    REQUIRE(wait_until([&] { return std::stoi(read_status(ds)["frames"]) >= 1; }));
    CHECK(cw.pixel_is(kClientControl, kOff));
    CHECK(cw.pixel_is(kClientFiles, kOff));
    screenshot(customer.name(), "client-2-connected");
    screenshot(supporter.name(), "desk-2-connected");

    SECTION("1:1 view shows the customer's screen exactly") {
        dw.click(kDeskScale);
        // A region of the pattern that the client window does not cover.
        CHECK(wait_until([&] {
            desktop::Frame c = grab(customer.name()), d = grab(supporter.name());
            for (int y = 450; y < 580; y += 7)
                for (int x = 500; x < 780; x += 7)
                    if (d.at(dw.x + x, dw.y + kDeskBar + y) != c.at(x, y)) return false;
            return true;
        }));
        screenshot(supporter.name(), "desk-3-one-to-one");
    }

    SECTION("F11 and F12 on the customer's display show on both windows") {
        CHECK(read_status(ds)["control_text"] == "Alice has control (view only)");  // who, not a key to press
        dw.click({300, kDeskBar + 200});  // a click on her screen without control: told why, not ignored
        CHECK(wait_status(ds, "status", "Alice has not allowed control, so your clicks and keys are not sent: "
                                        "ask Alice to press F11, or click Request control."));
        screenshot(supporter.name(), "desk-13-hint");  // a long message fitting its box: screen.fit_label
        for (auto& [key, value] : read_status(ds)) CHECK(value.find("[F1") == std::string::npos);  // no key she cannot press
        CHECK(read_status(ds)["files_text"] == "File transfer: off");
        REQUIRE(xdotool(customer.name(), {"key", "F11"}) == 0);
        REQUIRE(wait_status(ds, "control", "on"));
        CHECK(wait_status(cs, "control", "on"));
        CHECK(wait_status(ds, "control_text", "You control Alice's computer"));
        // The customer's whole screen says so, on top (tests/screen/test_presence.cpp for the rest).
        CHECK(wait_until([&] { return grab(customer.name()).at(20, 5) == kControlOn; }));
        CHECK(cw.pixel_is(kClientControl, kControlOn));
        CHECK(dw.pixel_is(kDeskControl, kControlOn));
        REQUIRE(xdotool(customer.name(), {"key", "F12"}) == 0);
        REQUIRE(wait_status(ds, "files", "on"));
        CHECK(cw.pixel_is(kClientFiles, kFilesOn));
        CHECK(dw.pixel_is(kDeskFiles, kFilesOn));
        screenshot(customer.name(), "client-3-control-and-files-on");
        screenshot(supporter.name(), "desk-4-control-and-files-on");

        // Click until it takes, as screen.desk_view does for End session.
        REQUIRE(cw.click_until(kClientDisconnect, [&] { return read_status(cs)["active"] == "no"; }));
        REQUIRE(wait_status(ds, "phase", "ended"));
        CHECK(wait_status(cs, "active", "no"));
        CHECK(cw.pixel_is(kClientControl, kOff));
        CHECK(dw.pixel_is(kDeskControl, kOff));
        screenshot(customer.name(), "client-4-ended");
        screenshot(supporter.name(), "desk-5-ended");
    }

    SECTION("Request control: a prompt on the customer's side; Deny is told, Allow grants control") {
        CHECK(read_status(ds)["control_requested"] == "no");
        REQUIRE(dw.click_until(kDeskRequest, [&] { return read_status(cs)["control_asked"] == "yes"; }));
        CHECK(wait_status(ds, "status", "Alice sees your request: waiting for them to click Allow (or press F11)."));
        CHECK(read_status(ds)["control_requested"] == "yes");
        CHECK(read_status(cs)["control"] == "off");  // asking grants nothing
        CHECK(cw.pixel_is(kClientControl, kControlOn));  // the orange prompt covers the permission boxes
        screenshot(customer.name(), "client-9-control-requested");
        screenshot(supporter.name(), "desk-12-control-requested");

        REQUIRE(cw.click_until(kClientDeny, [&] { return read_status(cs)["control_asked"] == "no"; }));
        CHECK(wait_status(ds, "status", "Alice declined control. You still see their screen; you can ask again."));
        CHECK(read_status(ds)["control_requested"] == "no");
        CHECK(read_status(ds)["control"] == "off");
        CHECK(cw.pixel_is(kClientControl, kOff));

        REQUIRE(dw.click_until(kDeskRequest, [&] { return read_status(cs)["control_asked"] == "yes"; }));
        REQUIRE(cw.click_until(kClientAllow, [&] { return read_status(cs)["control"] == "on"; }));
        CHECK(wait_status(ds, "control", "on"));
        CHECK(wait_status(ds, "control_text", "You control Alice's computer"));
        CHECK(read_status(cs)["control_asked"] == "no");
        CHECK(read_status(ds)["control_requested"] == "no");
        screenshot(customer.name(), "client-10-control-allowed");
    }
}
