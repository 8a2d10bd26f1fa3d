// The supporter's code as people live it (issue 20): the customer joins
// minutes after hearing the code, so the desk waits as long as the code
// lives, shows how long that is, and when the code expires unused says so
// and offers a new one (window: one click; headless: exit 4, or --renew).
// Real tether-desk, tether-client and tether-relay processes on loopback.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <cstdio>

#include "programs.h"
#include "screen/png.h"
#include "support/relay_fixture.h"

using namespace screentest;

namespace {

bool exists(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0;
}

// Past the end-to-end handshake deadline (30 s), with margin.
constexpr auto kLateBy = 45s;

struct Relayed {
    explicit Relayed(std::vector<std::string> relay_args = {}) : relay({std::move(relay_args)}) {}
    std::vector<std::string> route() const { return {"--relay", relay.url(), "--ca", relay.ca_file()}; }
    test_support::Relay relay;
    std::string dir = temp_dir();
    std::string desk_status = dir + "/desk.status", client_status = dir + "/client.status";
    std::string snapshot = dir + "/first.png";

    std::unique_ptr<Process> desk(std::vector<std::string> extra, std::vector<std::string> env = {}) {
        std::vector<std::string> d = {desk_binary(), "--status-file", desk_status, "--snapshot", snapshot};
        d.insert(d.end(), extra.begin(), extra.end());
        auto r = route();
        d.insert(d.end(), r.begin(), r.end());
        return std::make_unique<Process>(d, env);
    }
    std::unique_ptr<Process> client(const std::string& display, const std::string& code) {
        std::vector<std::string> c = {client_binary(), "--headless", "--display", display, "--code", code,
                                      "--status-file", client_status};
        auto r = route();
        c.insert(c.end(), r.begin(), r.end());
        return std::make_unique<Process>(c);
    }
    std::string code() { return read_status(desk_status)["code"]; }
    bool has_code() { return code().size() == 6; }
    std::string status() { return read_status(desk_status)["status"]; }
    std::string validity() { return read_status(desk_status)["code_valid"]; }
};

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the customer joins 45 s after the code appeared: connected, same security code", "[late_join]") {
    Xvfb x;
    paint(x.name(), make_pattern(640, 480, 7));
    desktop::Frame expected = grab(x.name());
    Relayed r;
    auto desk = r.desk({"--headless"});
    REQUIRE(wait_until([&] { return r.has_code(); }, 20s));
    // 600 s: the relay's default code lifetime, counted down in whole minutes.
    REQUIRE(wait_until([&] { return r.validity() == "valid for 9 more minutes" ||
                                    r.validity() == "valid for 10 more minutes"; }, 10s));

    std::this_thread::sleep_for(kLateBy);
    INFO("desk status: " << r.status());
    REQUIRE(desk->running());
    CHECK(read_status(r.desk_status)["phase"] == "waiting");
    CHECK(r.validity() == "valid for 9 more minutes");

    auto client = r.client(x.name(), r.code());
    REQUIRE(wait_until([&] { return exists(r.snapshot); }, 30s));
    CHECK(count_diff(screen::read_png(r.snapshot), expected) == 0);
    std::string sas = read_status(r.desk_status)["auth"];
    CHECK(sas.size() == 7);
    CHECK(wait_until([&] { return read_status(r.client_status)["auth"] == sas; }, 10s));
    CHECK(read_status(r.desk_status)["phase"] == "connected");
}

TEST_CASE("headless: an unused code expires, the desk says so and exits 4", "[code_expiry_headless]") {
    Relayed r({"--code-ttl", "20"});
    auto desk = r.desk({"--headless"});
    REQUIRE(wait_until([&] { return r.has_code(); }, 20s));
    std::string code = r.code();
    CHECK(wait_until([&] { return contains(r.validity(), "more seconds"); }, 10s));

    CHECK(desk->wait(45s) == 4);
    INFO("desk status: " << r.status());
    CHECK(read_status(r.desk_status)["phase"] == "expired");
    CHECK(contains(r.status(), "The code " + code + " expired before the customer joined"));
    CHECK(contains(r.status(), "--renew"));
    CHECK_FALSE(contains(r.status(), "did not finish"));
}

TEST_CASE("headless --renew: an expired code is replaced, the customer joins with the new one",
          "[code_renew_headless]") {
    Xvfb x;
    paint(x.name(), make_pattern(640, 480, 8));
    Relayed r({"--code-ttl", "6"});
    auto desk = r.desk({"--headless", "--renew"});
    REQUIRE(wait_until([&] { return r.has_code(); }, 20s));
    std::string first = r.code();
    REQUIRE(wait_until([&] { return r.has_code() && r.code() != first; }, 30s));
    std::string second = r.code();
    CHECK(desk->running());

    auto client = r.client(x.name(), second);
    REQUIRE(wait_until([&] { return exists(r.snapshot); }, 30s));
    std::string sas = read_status(r.desk_status)["auth"];
    CHECK(sas.size() == 7);
    CHECK(wait_until([&] { return read_status(r.client_status)["auth"] == sas; }, 10s));
}

TEST_CASE("window: an expired code is shown as expired; one click on New code shows a new one",
          "[code_expiry_window]") {
    Xvfb supporter(1100, 860);
    Relayed r({"--code-ttl", "8"});
    auto desk = r.desk({"--start"}, {"DISPLAY=" + supporter.name()});
    int wx = 0, wy = 0;
    REQUIRE(wait_until([&] { return find_window(supporter.name(), "Tether desk", wx, wy); }));
    REQUIRE(wait_until([&] { return r.has_code(); }, 20s));
    std::string first = r.code();

    REQUIRE(wait_until([&] { return read_status(r.desk_status)["phase"] == "expired"; }, 30s));
    INFO("desk status: " << r.status());
    CHECK(contains(r.status(), "The code " + first + " expired before the customer joined"));
    CHECK(contains(r.status(), "Click \"New code\""));
    screen::write_png(artefact_dir() + "/desk-8-code-expired.png", grab(supporter.name()));

    // The start button (desk/desk_window.cpp: 10,10 140x40) reads "New code" now.
    REQUIRE(xdotool(supporter.name(), {"mousemove", std::to_string(wx + 80), std::to_string(wy + 30), "click", "1"}) == 0);
    REQUIRE(wait_until([&] { return r.has_code() && r.code() != first; }, 20s));
    CHECK(read_status(r.desk_status)["phase"] == "waiting");
    CHECK(wait_until([&] { return r.validity() == "valid for 8 more seconds" ||
                                  r.validity() == "valid for 7 more seconds"; }, 5s));
    screen::write_png(artefact_dir() + "/desk-9-new-code.png", grab(supporter.name()));
}

namespace {

// One side is stopped (SIGTERM, as Ctrl+C or a logout) the moment both
// show their security code: the desk's end() or the client's disconnect() then
// lands between the connector returning the link and the session object
// that a stop reaches (the desk ignored it and stayed, so the customer, once
// the desk was killed, waited out the relay's 60 s grace). Both programs must
// end by themselves, exit 0, well inside that grace. `quitter` is "desk" or
// "client"; odd rounds let the customer join 2 s after the code appeared.
void quits_right_after_handshake(const std::string& quitter) {
    Xvfb x;
    Relayed r;
    for (int round = 0; round < 6; ++round) {
        INFO(quitter << " quits, round " << round);
        std::remove(r.desk_status.c_str());
        std::remove(r.client_status.c_str());
        auto desk = r.desk({"--headless"});
        REQUIRE(wait_until([&] { return r.has_code(); }, 30s));
        if (round % 2) std::this_thread::sleep_for(2s);
        auto client = r.client(x.name(), r.code());
        // Both handshakes done: each side writes its code when its own ends.
        REQUIRE(wait_until([&] {
            return !read_status(r.desk_status)["auth"].empty() && !read_status(r.client_status)["auth"].empty();
        }, 60s));
        ::kill((quitter == "desk" ? desk : client)->pid(), SIGTERM);
        // 30 s: a clean end takes a few seconds (bye, then kByeGrace at most);
        // the relay's grace that a lost stop leaves the other side in is 60 s.
        int desk_code = desk->wait(30s), client_code = client->wait(30s);
        INFO("desk: " << r.status() << "\nclient: " << read_status(r.client_status)["status"]);
        CHECK(desk_code == 0);
        CHECK(client_code == 0);
        if (desk_code != 0 || client_code != 0) return;  // the processes die with this scope
    }
}

}  // namespace

TEST_CASE("the desk quits right after the handshake: both programs end at once", "[desk_quits_early]") {
    quits_right_after_handshake("desk");
}

TEST_CASE("the customer quits right after the handshake: both programs end at once", "[client_quits_early]") {
    quits_right_after_handshake("client");
}

// The supporter quits while the code is still waiting for the customer:
// the desk ends the session at the relay (the code dies) and exits 1 (no
// session took place), never by a signal. Its cancel ran EndpointSession::end()
// (a DELETE, then closing the stream) while the wait for the customer, failing
// because of that DELETE, destroyed the session under it: a segfault.
TEST_CASE("the desk quits while waiting for the customer: exit 1, no crash", "[desk_quits_waiting]") {
    Relayed r;
    for (int round = 0; round < 8; ++round) {
        INFO("round " << round);
        std::remove(r.desk_status.c_str());
        auto desk = r.desk({"--headless"});
        REQUIRE(wait_until([&] { return r.has_code(); }, 30s));
        ::kill(desk->pid(), SIGTERM);
        int code = desk->wait(30s);
        INFO("desk: " << r.status());
        CHECK(code == 1);  // 128: killed by a signal (screentest::Process::wait)
        if (code != 1) return;
    }
}
