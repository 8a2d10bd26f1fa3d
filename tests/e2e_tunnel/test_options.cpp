// tether-tunnel's options: command line beats TETHER_* environment beats
// the --config file; --help answers.
#include <catch2/catch.hpp>

#include "tunnel_fixture.h"

TEST_CASE("options: command line, then environment, then config file", "[options]") {
    test_support::TempDir dir;
    test_support::Squid squid;
    test_support::Relay relay;
    const std::string dead_proxy = "http://127.0.0.1:1";  // nothing listens on port 1
    std::string conf = dir.write("tether.conf", "# test\nrelay = " + relay.url() + "\nca = " +
                                                   relay.ca_file() + "\nproxy = " + squid.url() +
                                                   "\nheartbeat_ms = 1000\n");
    const std::string via_squid = "OK    proxy: " + squid.host_port();
    const std::string proxy_down = "cannot reach the proxy 127.0.0.1:1";

    SECTION("config file alone") {
        auto r = e2e::run_plain({"--config", conf, "probe"}, {});
        INFO(r.err);
        CHECK(r.code == 0);
        CHECK(r.err.find(via_squid) != std::string::npos);
    }
    SECTION("environment beats the config file") {
        auto r = e2e::run_plain({"--config", conf, "probe"}, {{"TETHER_PROXY", dead_proxy}});
        INFO(r.err);
        CHECK(r.code == 4);
        CHECK(r.err.find(proxy_down) != std::string::npos);
    }
    SECTION("command line beats the environment") {
        auto r = e2e::run_plain({"--proxy", squid.url(), "probe"},
                                {{"TETHER_PROXY", dead_proxy}, {"TETHER_CONFIG", conf}});
        INFO(r.err);
        CHECK(r.code == 0);
        CHECK(r.err.find(via_squid) != std::string::npos);
    }
    SECTION("--help answers, a missing relay is a usage error") {
        auto help = e2e::run_plain({"--help"}, {});
        CHECK(help.code == 0);
        CHECK(help.err.find("usage: tether-tunnel") != std::string::npos);
        auto bad = e2e::run_plain({"probe"}, {});
        CHECK(bad.code == 2);
        CHECK(bad.err.find("no relay given") != std::string::npos);
    }
}
