// The set-up of the e2e.wininput.client_* tests (test_client_consent.cpp,
// test_client_input.cpp): on the test's own Xvfb, wininput_probe.exe idle
// (the Windows program the customer works in) under the pointer, then
// tether-client.exe on the same display joining a Linux desk's code
// through a real relay (tests/winclient's fixture).
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "harness.h"
#include "winclient_fixture.h"

namespace wininputtest {

using namespace wintest;

inline std::string status(const std::string& file, const std::string& key) { return read_status(file)[key]; }

inline void xdo(const std::string& display, const std::vector<std::string>& args) {
    REQUIRE(screentest::xdotool(display, args) == 0);
}

// wininput_probe.exe idle on `display`, in the prefix of the tests with a
// display (never the headless tests': tests/wininput/CMakeLists.txt): its
// window covers (100,100)-(600,500) with its edit focused. Returns once the
// window is up, with the pointer moved over it: under wine without a
// window manager, X key events (F11) reach wine only over one of its windows.
inline std::unique_ptr<test_support::Process> customer_program(const std::string& display) {
    auto program = std::make_unique<test_support::Process>(on_display({WININPUT_PROBE_EXE, "idle"}, display, WINE_PREFIX_DISPLAY));
    program->wait_for_line(test_support::Process::Stream::out, "^window ready", 90s);
    xdo(display, {"mousemove", "300", "200"});
    return program;
}

// Starts tether-client.exe on `display` (the same prefix) with the desk's code of `s`
// (--allow-files, its status file and download folder) to `relay`.
inline void start_client_on(Session& s, const test_support::Relay& relay, const std::string& display) {
    s.client = std::make_unique<test_support::Process>(
        on_display(Args{WINCLIENT_EXE} + client_args(s, "Z:" + s.client_in.path()) + relay_args(relay), display, WINE_PREFIX_DISPLAY));
}

}  // namespace wininputtest
