// e2e.wininput.client_consent: tether-client.exe under wine on its own
// Xvfb, with the Linux tether-desk through a real tether-relay. The
// customer works in another Windows program (wininput_probe.exe idle) and
// presses F11 there (xdotool): control goes on at both ends and the orange
// bar shows across the top of the screen; the customer moves the mouse:
// control goes off at both ends, the status says why, the bar is gone; F12
// switches file transfer. Under wine, X key events reach wine only over one
// of its windows (no window manager), hence the program under the pointer.
#include <catch2/catch.hpp>

#include "client_fixture.h"

using namespace wininputtest;
using screentest::wait_until;

namespace {

constexpr std::uint32_t kBarOrange = 0xE05A00;  // wininput/src/control_bar_windows.cpp

bool bar_shown(const std::string& display) { return screentest::grab(display).at(4, 4) == kBarOrange; }

}  // namespace

TEST_CASE("windows client: F11 gives control and shows the bar, the customer's mouse takes it back", "[client_consent]") {
    screentest::Xvfb x(800, 600);
    auto program = customer_program(x.name());  // where the customer works, the pointer over it

    test_support::Relay relay;
    Session s(relay_args(relay));
    start_client_on(s, relay, x.name());
    // 150 s: wine's start in this prefix, the warm-up, TLS and the handshake
    // took over 90 s once at a load of 20 on 2 cores.
    bool connected = wait_until([&] { return status(s.desk_status, "phase") == "connected"; }, 150s);
    INFO("client stderr:\n" << lf(s.client->err()) << "desk: " << status(s.desk_status, "status"));
    REQUIRE(connected);
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

    CHECK(s.end_desk() == 0);  // the supporter ends the session
    CHECK(s.client->wait(60s) == 0);
}
