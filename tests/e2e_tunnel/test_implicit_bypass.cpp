// Chromium's implicit bypass end to end (issue 17): the admin's PAC names
// squid for everything, the relay listens on 127.0.0.1. Without <-loopback>
// tether-tunnel goes straight to the relay (named localhost) and squid sees
// nothing of it; with no_proxy = <-loopback> in proxy.conf it goes through
// squid (to 127.0.0.1).
#include <catch2/catch.hpp>

#include "support/proxy_conf.h"
#include "tunnel_fixture.h"

using namespace std::chrono_literals;

TEST_CASE("a PAC proxy is not used for a relay on 127.0.0.1 unless proxy.conf says <-loopback>",
          "[implicit_bypass]") {
    test_support::TempDir dir;
    test_support::Squid squid;
    test_support::Relay relay;
    REQUIRE(relay.url().find("://127.0.0.1:") != std::string::npos);
    const std::string pac = dir.write("proxy.pac", "function FindProxyForURL(url, host) {\n  return 'PROXY " +
                                                       squid.host_port() + "';\n}\n");
    const std::string pac_lines = "pac_file = " + pac + "\nwpad = no\n";
    e2e::Route r;
    r.relay_url = relay.url("localhost");  // the first run's name: squid must never see it
    r.ca_file = relay.ca_file();

    r.options = {"--proxy-conf", dir.write("proxy.conf", pac_lines)};
    auto direct = e2e::run_tunnel(r, {"probe"}, 60s);
    INFO(direct.err);
    CHECK(direct.code == 0);
    CHECK(direct.err.find("way out: DIRECT (from PAC implicit bypass 'localhost')\n") != std::string::npos);
    CHECK(direct.err.find("result: the relay is reachable\n") != std::string::npos);
    CHECK(direct.err.find("http proxy " + squid.host_port()) == std::string::npos);

    r.relay_url = relay.url();  // 127.0.0.1
    r.options = {"--proxy-conf", dir.write("proxy-loopback.conf", test_support::loopback_proxy_conf(pac_lines))};
    auto through = e2e::run_tunnel(r, {"probe"}, 60s);
    INFO(through.err);
    CHECK(through.code == 0);
    CHECK(through.err.find("way out: http proxy " + squid.host_port() + " (from PAC (proxy.conf pac_file " + pac +
                           "))") != std::string::npos);
    CHECK(through.err.find("result: the relay is reachable\n") != std::string::npos);
    // squid logs a tunnel when it closes (the probe has exited): the second
    // run's CONNECTs to 127.0.0.1, and nothing of the first run's localhost.
    REQUIRE(squid.wait_for_log("CONNECT 127.0.0.1:" + std::to_string(relay.port()), 15s));
    const std::string seen = squid.access_log();
    INFO(seen);
    CHECK(seen.find("localhost") == std::string::npos);
}
