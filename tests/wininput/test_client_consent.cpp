// e2e.wininput.client_consent: tether-client.exe under wine on its own
// Xvfb, with the Linux tether-desk through a real tether-relay. The
// customer works in another Windows program (wininput_probe.exe idle) and
// presses F11 there (xdotool): control goes on at both ends and the orange
// bar shows across the top of the screen; the customer moves the mouse:
// control goes off at both ends, the status says why, the bar is gone; F12
// switches file transfer. Under wine, X key events reach wine only over one
// of its windows (no window manager), hence the program under the pointer.
#include <catch2/catch.hpp>

#include <algorithm>

#include "harness.h"
#include "winclient_fixture.h"

using namespace wintest;
using screentest::wait_until;

namespace {

constexpr std::uint32_t kBarOrange = 0xE05A00;  // wininput/src/control_bar_windows.cpp

std::string status(const std::string& file, const std::string& key) { return read_status(file)[key]; }

// A wine program's options on `display` in the tests' prefix.
test_support::ProcessOptions on_display(test_support::ProcessOptions o, const std::string& display) {
    o.env["DISPLAY"] = display;
    o.unset_env.erase(std::remove(o.unset_env.begin(), o.unset_env.end(), "DISPLAY"), o.unset_env.end());
    return o;
}

void xdo(const std::string& display, const std::vector<std::string>& args) {
    REQUIRE(screentest::xdotool(display, args) == 0);
}

bool bar_shown(const std::string& display) { return screentest::grab(display).at(4, 4) == kBarOrange; }

}  // namespace

TEST_CASE("windows client: F11 gives control and shows the bar, the customer's mouse takes it back", "[client_consent]") {
    screentest::Xvfb x(800, 600);
    test_support::ProcessOptions po;
    po.argv = {WINE_RUN, WININPUT_PROBE_EXE, "idle"};
    po.env["TETHER_WINEPREFIX"] = WINE_PREFIX;
    po.stdin_path = "/dev/null";
    test_support::Process program(on_display(po, x.name()));  // where the customer works
    program.wait_for_line(test_support::Process::Stream::out, "^window ready", 90s);
    xdo(x.name(), {"mousemove", "300", "200"});  // over it

    test_support::Relay relay;
    Session s(relay_args(relay));
    s.client = std::make_unique<test_support::Process>(
        on_display(exe_options(client_args(s, "Z:" + s.client_in.path()) + relay_args(relay)), x.name()));
    REQUIRE(wait_until([&] { return status(s.desk_status, "phase") == "connected"; }, 90s));
    REQUIRE(wait_until([&] { return status(s.desk_status, "peer") == "Customer"; }, 10s));
    CHECK(status(s.client_status, "control") == "off");  // view only at the start
    CHECK(status(s.desk_status, "control") == "off");
    CHECK_FALSE(bar_shown(x.name()));

    xdo(x.name(), {"key", "F11"});
    REQUIRE(wait_until([&] { return status(s.desk_status, "control") == "on"; }, 10s));
    CHECK(status(s.client_status, "control") == "on");
    CHECK(wait_until([&] { return bar_shown(x.name()); }, 5s));

    xdo(x.name(), {"mousemove", "320", "220"});  // the customer's own hand
    REQUIRE(wait_until([&] { return status(s.desk_status, "control") == "off"; }, 10s));
    CHECK(status(s.client_status, "control") == "off");
    CHECK(status(s.client_status, "status") ==
          "You moved the mouse, so Supporter no longer controls your computer. Press F11 to let them control it again.");
    CHECK(wait_until([&] { return !bar_shown(x.name()); }, 5s));

    CHECK(status(s.client_status, "files") == "on");  // --allow-files
    xdo(x.name(), {"key", "F12"});
    CHECK(wait_until([&] { return status(s.desk_status, "files") == "off"; }, 10s));
    CHECK(status(s.client_status, "control") == "off");

    s.desk.reset();  // the supporter ends the session
    CHECK(s.client->wait(60s) == 0);
}
