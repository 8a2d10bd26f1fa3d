// Heartbeats keep an idle session alive through a proxy that cuts idle
// tunnels (squid read_timeout 3 s); without them the proxy cuts, and the
// session still recovers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <thread>

#include "tunnel_fixture.h"

using namespace std::chrono_literals;

namespace {

constexpr auto kIdle = 8s;  // well past squid's read_timeout below

// Tunnels to the relay that lived through the whole idle period.
std::size_t long_tunnels(test_support::Squid& squid, const test_support::Relay& relay) {
    // Tunnels are logged when they close: after both ends exited, wait for
    // the four stream tunnels (down and up per side) to appear.
    squid.wait_for_log("(TCP_TUNNEL/200.*\\n.*){4}", 10s);
    auto ms = e2e::tunnel_durations_ms(squid.access_log(), relay.port());
    return static_cast<std::size_t>(std::count_if(ms.begin(), ms.end(), [](long d) {
        return d >= std::chrono::milliseconds(kIdle).count();
    }));
}

// Ends both sides' input and checks that both exit 0; returns both stderr
// texts (for the caller's INFO and checks).
std::string both_exit_cleanly(e2e::Opened& desk, e2e::Process& client) {
    desk.proc->close_stdin();
    client.close_stdin();
    int client_rc = client.wait(40s), desk_rc = desk.proc->wait(40s);
    std::string err = "desk:\n" + desk.proc->err() + "\nclient:\n" + client.err();
    INFO(err);
    CHECK(client_rc == 0);
    CHECK(desk_rc == 0);
    return err;
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
    std::string err = both_exit_cleanly(desk, *client);
    INFO(err);
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
    // This is about stream-mode tunnels: under heavy test load the automatic
    // choice may (rightly) pick poll mode, whose requests are short.
    route.transport = "stream";

    SECTION("heartbeat 1 s: no tunnel is ever cut") {
        test_support::TempDir dir;
        route.heartbeat_ms = 1000;
        idle_session(route, dir);
        // Both directions of both sides kept their tunnel through the idle time.
        CHECK(long_tunnels(squid, relay) >= 4);
    }
    SECTION("heartbeat 6 s (control): squid cuts the idle uplinks, the session recovers") {
        test_support::TempDir dir;
        route.heartbeat_ms = 6000;
        idle_session(route, dir);
        // The idle uplinks were cut (the relay's pings kept the downlinks).
        INFO(squid.access_log());
        CHECK(long_tunnels(squid, relay) < 4);
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
    std::string err = both_exit_cleanly(desk, *client);
    INFO(err);
    CHECK(test_support::read_file(dir.file("client.out")) == "before the stall\nafter the stall\n");
    // Heartbeats, not a FIN or RST, found the dead path (the carrier's or
    // the session stream's own detector, whichever fired first).
    CHECK(std::regex_search(err, std::regex("nothing (arrived|received)")));
}
