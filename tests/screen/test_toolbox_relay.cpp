// Issue 19 through the real path: tether-desk (headless, on the supporter's
// own Xvfb) and tether-client (headless, joining 3 s late) through a real
// tether-relay on 127.0.0.1 (TLS, end-to-end channel, Mux). The customer's
// clipboard reaches the supporter's display only after F11; a 2 MiB text
// is refused and both status lines say so; the desk's status file lists
// the customer's two RandR monitors.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "programs.h"
#include "support/relay_fixture.h"

using namespace screentest;

namespace {

std::optional<std::string> xclip_out(const std::string& display, const std::string& dir) {
    std::string file = dir + "/out";
    if (run({"sh", "-c", "xclip -o -selection clipboard -target UTF8_STRING > " + file}, {"DISPLAY=" + display}) != 0)
        return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::unique_ptr<Process> xclip_in(const std::string& display, const std::string& dir, const std::string& text) {
    std::string file = dir + "/in";
    std::ofstream(file, std::ios::binary) << text;
    return std::make_unique<Process>(std::vector<std::string>{"xclip", "-quiet", "-selection", "clipboard", "-i", file},
                                     std::vector<std::string>{"DISPLAY=" + display});
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("through the relay: the clipboard after F11 only, the 1 MiB cap told to both, the monitors listed", "[toolbox_relay]") {
    Xvfb cust(1600, 600), desk_display;
    set_monitor(cust.name(), "L", 0, 0, 800, 600);
    set_monitor(cust.name(), "R", 800, 0, 800, 600);
    test_support::Relay relay;
    std::vector<std::string> route = {"--relay", relay.url(), "--ca", relay.ca_file()};
    std::string dir = temp_dir(), ds = dir + "/desk.status", cs = dir + "/client.status";

    std::vector<std::string> d = {desk_binary(), "--headless", "--status-file", ds};
    d.insert(d.end(), route.begin(), route.end());
    Process desk(d, {"DISPLAY=" + desk_display.name()});
    REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }, 20s));

    const std::string text = "Grüße aus Köln, 5 € — über das Relay";
    auto owner = xclip_in(cust.name(), dir, text);
    std::this_thread::sleep_for(3s);  // the customer arrives late
    std::vector<std::string> c = {client_binary(), "--headless", "--display", cust.name(), "--code",
                                  read_status(ds)["code"], "--status-file", cs};
    c.insert(c.end(), route.begin(), route.end());
    Process client(c);
    REQUIRE(wait_status(ds, "phase", "connected", 30s));
    CHECK(wait_status(ds, "monitors", "3"));  // L, R and the screen's own
    CHECK(read_status(ds)["monitor"] == "all");

    std::this_thread::sleep_for(1500ms);
    CHECK_FALSE(xclip_out(desk_display.name(), dir));  // view only: nothing crossed
    REQUIRE(run({"xdotool", "key", "F11"}, {"DISPLAY=" + cust.name()}) == 0);
    REQUIRE(wait_status(ds, "control", "on"));
    CHECK(wait_until([&] { return xclip_out(desk_display.name(), dir) == text; }, 10s));

    auto big = xclip_in(cust.name(), dir, std::string(2 * 1024 * 1024, 'z'));
    CHECK(wait_until([&] { return contains(read_status(cs)["status"], "(2.0 MiB) was not sent to the supporter"); }, 10s));
    CHECK(wait_until([&] { return contains(read_status(ds)["status"], "(2.0 MiB) is too large to share"); }, 10s));
    CHECK(xclip_out(desk_display.name(), dir) == text);
}
