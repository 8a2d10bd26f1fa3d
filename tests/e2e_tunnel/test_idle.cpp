// Heartbeats keep an idle session alive through a proxy that cuts idle
// tunnels (squid read_timeout 3 s); without them the proxy cuts, and the
// session still recovers.
#include <catch2/catch.hpp>

#include <thread>

#include "tunnel_fixture.h"

using namespace std::chrono_literals;

namespace {

constexpr auto kIdle = 8s;  // well past squid's read_timeout below

// The "stats: carriers=N" line (-v) of `side` ("desk" or "client") in the
// text idle_session() returns.
int carriers(const std::string& err, const std::string& side) {
    auto from = err.find(side + ":\n");
    auto at = err.find("stats: carriers=", from);
    return at == std::string::npos ? -1 : std::stoi(err.substr(at + 16));
}

// Sends "before" both ways, idles, sends "after" and ends; returns both
// stderr texts after checking the bytes.
std::string idle_session(const e2e::Route& route, const test_support::TempDir& dir) {
    e2e::Opened desk = e2e::start_open(route, "", dir.file("desk.out"));
    auto client = e2e::start_join(route, desk.code, "", dir.file("client.out"));
    desk.proc->write_stdin("before idle\n");
    client->write_stdin("before idle\n");
    std::this_thread::sleep_for(kIdle);
    desk.proc->write_stdin("after idle\n");
    client->write_stdin("after idle\n");
    desk.proc->close_stdin();
    client->close_stdin();
    int client_rc = client->wait(40s), desk_rc = desk.proc->wait(40s);
    std::string err = "desk:\n" + desk.proc->err() + "\nclient:\n" + client->err();
    INFO(err);
    CHECK(client_rc == 0);
    CHECK(desk_rc == 0);
    CHECK(test_support::read_file(dir.file("client.out")) == "before idle\nafter idle\n");
    CHECK(test_support::read_file(dir.file("desk.out")) == "before idle\nafter idle\n");
    return err;
}

}  // namespace

TEST_CASE("heartbeats keep an idle session through squid's read_timeout", "[idle_heartbeat]") {
    test_support::SquidOptions so;
    so.read_timeout_seconds = 3;
    test_support::Squid squid(so);
    test_support::Relay relay;
    e2e::Route route = e2e::via(squid, relay);

    SECTION("heartbeat 1 s: no tunnel is ever cut") {
        test_support::TempDir dir;
        route.heartbeat_ms = 1000;
        std::string err = idle_session(route, dir);
        INFO(err);
        // One carrier per side for the whole session: nothing was ever cut.
        CHECK(carriers(err, "desk") == 1);
        CHECK(carriers(err, "client") == 1);
    }
    SECTION("heartbeat 6 s (control): squid cuts the idle uplinks, the session recovers") {
        test_support::TempDir dir;
        route.heartbeat_ms = 6000;
        std::string err = idle_session(route, dir);
        INFO(err);
        CHECK(carriers(err, "desk") + carriers(err, "client") > 2);
    }
}

TEST_CASE("a silently stalled path is detected by heartbeats and replaced", "[stall]") {
    test_support::TempDir dir;
    test_support::Squid squid;
    test_support::Relay relay;
    e2e::Route route = e2e::via(squid, relay);
    route.heartbeat_ms = 500;  // dead after 3 silent heartbeats: 1.5 s

    e2e::Opened desk = e2e::start_open(route, "", dir.file("desk.out"));
    auto client = e2e::start_join(route, desk.code, "", dir.file("client.out"));
    desk.proc->write_stdin("before the stall\n");
    client->wait_for_line(e2e::Process::Stream::err, "connected");
    squid.freeze();  // no FIN, no RST: the tunnels just go quiet
    std::this_thread::sleep_for(4s);
    squid.thaw();
    desk.proc->write_stdin("after the stall\n");
    desk.proc->close_stdin();
    client->close_stdin();
    int client_rc = client->wait(40s), desk_rc = desk.proc->wait(40s);
    std::string err = "desk:\n" + desk.proc->err() + "\nclient:\n" + client->err();
    INFO(err);
    CHECK(client_rc == 0);
    CHECK(desk_rc == 0);
    CHECK(test_support::read_file(dir.file("client.out")) == "before the stall\nafter the stall\n");
    CHECK(carriers(err, "desk") > 1);
    CHECK(carriers(err, "client") > 1);
}
