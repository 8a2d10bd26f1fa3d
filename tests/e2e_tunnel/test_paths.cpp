// Which way the bytes take: through squid's CONNECT (and only that way), a
// relay name only the proxy can resolve, and a proxy that denies CONNECT.
#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "support/sha256.h"
#include "tunnel_fixture.h"

using namespace std::chrono_literals;
using test_support::read_file;

namespace {

// Text plus every byte value, so that no byte gets special treatment.
std::string sample(const std::string& who) {
    std::string s = "hello from the " + who + "\n";
    for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
    return s + "\r\n--end of " + who + "--\n";
}

std::string port_of(const test_support::Relay& relay) { return std::to_string(relay.port()); }

}  // namespace

TEST_CASE("bytes cross squid's CONNECT tunnel exactly", "[connect_allowed]") {
    test_support::TempDir dir;
    test_support::SquidOptions so;
    so.log_user_agent = true;
    test_support::Squid squid(so);
    test_support::Relay relay;
    std::string desk_in = sample("desk"), client_in = sample("client");
    e2e::transfer(e2e::via(squid, relay), dir, dir.write("desk.in", desk_in),
                  dir.write("client.in", client_in), 30s);

    CHECK(read_file(dir.file("client.out")) == desk_in);
    CHECK(read_file(dir.file("desk.out")) == client_in);
    // squid logs a tunnel when it closes; every request went through CONNECT.
    REQUIRE(squid.wait_for_log("CONNECT 127\\.0\\.0\\.1:" + port_of(relay), 10s));
    std::string log = squid.access_log();
    INFO(log);
    CHECK(log.find(" GET ") == std::string::npos);
    CHECK(log.find(" POST ") == std::string::npos);
    // Every CONNECT names Tether, so that proxy admins can write rules for it.
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);)
        if (line.find(" CONNECT ") != std::string::npos)
            CHECK(std::regex_search(line, std::regex("\"Tether/[0-9]+\\.[0-9]+\\.[0-9]+ \\(Linux\\)\"$")));
}

TEST_CASE("a relay name only the proxy resolves: works through it, not around it",
          "[proxy_only_name]") {
    test_support::TempDir dir;
    test_support::SquidOptions so;
    so.hosts = {{"relay.tether.test", "127.0.0.1"}};
    test_support::Squid squid(so);
    test_support::Relay relay;
    e2e::Route route = e2e::via(squid, relay);
    route.relay_url = relay.url("relay.tether.test");

    std::string desk_in = sample("desk"), client_in = sample("client");
    e2e::transfer(route, dir, dir.write("desk.in", desk_in), dir.write("client.in", client_in), 30s);
    CHECK(read_file(dir.file("client.out")) == desk_in);
    CHECK(read_file(dir.file("desk.out")) == client_in);
    CHECK(squid.wait_for_log("CONNECT relay\\.tether\\.test:" + port_of(relay), 10s));

    // The probe walks the same way and reports each step.
    auto probe = e2e::run_tunnel(route, {"probe"});
    INFO(probe.err);
    CHECK(probe.code == 0);
    CHECK(probe.err.find("OK    CONNECT relay.tether.test:" + port_of(relay)) != std::string::npos);
    CHECK(probe.err.find("OK    stream round trip") != std::string::npos);

    // Without the proxy the name does not resolve: no way around it.
    e2e::Route direct = route;
    direct.proxy_url.clear();
    auto bypass = e2e::run_tunnel(direct, {"open"});
    INFO(bypass.err);
    CHECK(bypass.code != 0);
    CHECK(bypass.err.find("cannot resolve the relay relay.tether.test") != std::string::npos);
}

TEST_CASE("a proxy that denies CONNECT gives a clear 403 error", "[connect_denied]") {
    test_support::SquidOptions so;
    so.deny_connect = true;
    test_support::Squid squid(so);
    test_support::Relay relay;
    e2e::Route route = e2e::via(squid, relay);

    auto open = e2e::run_tunnel(route, {"open"});
    INFO(open.err);
    CHECK(open.code == 1);
    CHECK(open.err.find("the proxy refused CONNECT to 127.0.0.1:" + port_of(relay) + " (403)") !=
          std::string::npos);

    auto probe = e2e::run_tunnel(route, {"probe"});
    INFO(probe.err);
    CHECK(probe.code == 4);
    CHECK(probe.err.find("FAIL  CONNECT 127.0.0.1:" + port_of(relay)) != std::string::npos);
    CHECK(squid.wait_for_log("TCP_DENIED/403 .*CONNECT 127\\.0\\.0\\.1:" + port_of(relay), 10s));
}
