// Issue 3, "survive the network", with the real programs: the only way to the
// relay (squid) goes away. Up to the 60 s limit the same session comes back
// (same end-to-end session, same consent) and both sides said
// "Reconnecting..." meanwhile; past it both sides end with a clear message.
#include <catch2/catch.hpp>

#include <thread>

#include "files_fixture.h"
#include "support/relay_fixture.h"
#include "support/relay_behind_squid.h"

using namespace filestest;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Pair {
    Xvfb x;
    test_support::RelayBehindSquid net;
    test_support::Squid& squid = net.squid;
    std::string dir = temp_dir(), ds = dir + "/desk", cs = dir + "/client";
    std::unique_ptr<Process> desk, client;

    Pair() {
        const std::vector<std::string> route = net.route_args();
        std::vector<std::string> d = {desk_binary(), "--headless", "--status-file", ds};
        d.insert(d.end(), route.begin(), route.end());
        desk = std::make_unique<Process>(d);
        REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }, 30s));
        std::vector<std::string> c = {client_binary(), "--headless", "--display", x.name(), "--code",
                                      read_status(ds)["code"], "--status-file", cs, "--allow-control"};
        c.insert(c.end(), route.begin(), route.end());
        client = std::make_unique<Process>(c);
        REQUIRE(wait_until([&] { return read_status(ds)["phase"] == "connected" && read_status(ds)["control"] == "on"; }, 60s));
    }
};

}  // namespace

TEST_CASE("a 20 s outage of the only path resumes the same session with the same consent", "[outage_short]") {
    Pair p;
    const std::string auth = read_status(p.ds)["auth"];
    REQUIRE(auth.size() == 7);
    p.squid.stop();
    auto down_at = std::chrono::steady_clock::now();
    CHECK(wait_until([&] { return has(read_status(p.ds)["status"], "Reconnecting"); }, 30s));
    CHECK(wait_until([&] { return has(read_status(p.cs)["status"], "Reconnecting"); }, 30s));
    std::this_thread::sleep_until(down_at + 20s);
    p.squid.start();
    CHECK(wait_until([&] { return has(read_status(p.ds)["status"], "Connected again"); }, 45s));
    CHECK(wait_until([&] { return has(read_status(p.cs)["status"], "Connected again"); }, 45s));
    // The same end-to-end session (a new one would show a new code), the
    // same permissions, still connected.
    CHECK(read_status(p.ds)["auth"] == auth);
    CHECK(read_status(p.cs)["auth"] == auth);
    CHECK(read_status(p.ds)["phase"] == "connected");
    CHECK(read_status(p.ds)["control"] == "on");
    CHECK(read_status(p.cs)["control"] == "on");
}

TEST_CASE("an outage longer than 60 s ends the session on both sides with a clear message", "[outage_long]") {
    Pair p;
    p.squid.stop();
    CHECK(wait_until([&] { return read_status(p.ds)["phase"] == "ended"; }, 100s));
    CHECK(wait_until([&] { return has(read_status(p.cs)["status"], "ended"); }, 100s));
    INFO("desk: " << read_status(p.ds)["status"] << "\nclient: " << read_status(p.cs)["status"]);
    CHECK(has(read_status(p.ds)["status"], "60 s"));
    CHECK(has(read_status(p.cs)["status"], "60 s"));
}
