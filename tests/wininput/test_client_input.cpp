// e2e.wininput.client_input: the supporter's keys and clicks reach a Windows
// program only while the customer allows it. tether-client.exe under wine
// on its own Xvfb serves the screen to the Linux tether-desk through a real
// tether-relay; a VNC viewer on the desk's --vnc-listen plays the
// supporter's keyboard and mouse (the desk forwards its input like its
// window's); wininput_probe.exe (idle) is the program the customer works
// in and reports what its edit control and window received.
#include <catch2/catch.hpp>

#include <thread>

#include "client_fixture.h"
#include "support/net.h"

using namespace wininputtest;
using screentest::wait_until;
using Stream = test_support::Process::Stream;

namespace {

std::string hex(const std::string& s) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) out += {digits[c >> 4], digits[c & 15]};
    return out;
}

}  // namespace

TEST_CASE("windows client: the supporter's text and clicks arrive only while F11 allows", "[client_input]") {
    screentest::Xvfb x(800, 600);
    auto program = customer_program(x.name());  // the pointer over it, so that F11 reaches wine

    test_support::Relay relay;
    int vnc_port = test_support::free_port();
    Session s(relay_args(relay), {"--vnc-listen", "127.0.0.1:" + std::to_string(vnc_port)});
    start_client_on(s, relay, x.name());
    REQUIRE(wait_until([&] { return status(s.desk_status, "phase") == "connected"; }, 90s));
    DeskPicture supporter(vnc_port);  // the supporter's eyes and hands
    REQUIRE(wait_until([&] { return supporter.picture().width > 0; }, 60s));

    // View only: nothing arrives.
    supporter.type({'a', 'b'});
    supporter.click(450, 300);
    std::this_thread::sleep_for(3s);
    CHECK(program->out().find("text:") == std::string::npos);
    CHECK(program->out().find("click") == std::string::npos);
    xdo(x.name(), {"key", "F11"});
    REQUIRE(wait_until([&] { return status(s.desk_status, "control") == "on"; }, 10s));

    // Text with shifted symbols and a character no US layout has.
    supporter.type({'H', 'i', '!', ' ', 0xe9, 0x20ac});
    CHECK(!program->wait_for_line(Stream::out, "^text: " + hex("Hi! \xc3\xa9\xe2\x82\xac") + "\\r?$", 20s).empty());
    supporter.click(450, 300);
    CHECK(!program->wait_for_line(Stream::out, "^click 450 300\\r?$", 10s).empty());
    CHECK(status(s.desk_status, "control") == "on");  // the supporter's own moves did not take it back

    // F11 and F12 from the desk change nothing.
    supporter.type({0xffc8, 0xffc9});
    std::this_thread::sleep_for(2s);
    CHECK(status(s.desk_status, "control") == "on");
    CHECK(status(s.desk_status, "files") == "on");

    xdo(x.name(), {"mousemove", "320", "220"});  // the customer's hand takes control back
    REQUIRE(wait_until([&] { return status(s.desk_status, "control") == "off"; }, 10s));
    std::string before = program->out();
    supporter.type({'z'});
    supporter.click(460, 310);
    std::this_thread::sleep_for(3s);
    CHECK(program->out() == before);  // nothing more arrived

    CHECK(s.end_desk() == 0);
    CHECK(s.client->wait(60s) == 0);
}
