// tether-tunnel probe tries every way out in order, as open and join do
// (issue 17: it checked only the first candidate, a proxy that accepted and
// never answered held it for 15 s, and a plain-HTTP relay URL aborted it).
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include "support/proxy_conf.h"
#include "support/net.h"
#include "tunnel_fixture.h"

using namespace std::chrono_literals;

namespace {

// A "proxy" that accepts TCP connections (the kernel completes them into
// the backlog) and never answers. Closed with the object.
struct SilentProxy {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int port = 0;
    SilentProxy() {
        sockaddr_in a = test_support::loopback(0);
        socklen_t len = sizeof a;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd, 16) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error("cannot listen on 127.0.0.1");
        port = ntohs(a.sin_port);
    }
    ~SilentProxy() { ::close(fd); }
};

}  // namespace

TEST_CASE("probe goes on to the next proxy when one accepts and never answers", "[probe_routes]") {
    test_support::TempDir dir;
    test_support::Squid squid;
    test_support::Relay relay;
    SilentProxy silent;
    std::string pac = dir.write("proxy.pac", "function FindProxyForURL(url, host) {\n  return 'PROXY 127.0.0.1:" +
                                                 std::to_string(silent.port) + "; PROXY " + squid.host_port() +
                                                 "';\n}\n");
    std::string conf = dir.write("proxy.conf", test_support::loopback_proxy_conf("pac_file = " + pac + "\nwpad = no\n"));
    e2e::Route r;
    r.relay_url = relay.url();
    r.ca_file = relay.ca_file();
    r.options = {"--proxy-conf", conf};
    auto start = std::chrono::steady_clock::now();
    auto out = e2e::run_tunnel(r, {"probe"}, 60s);
    auto took = std::chrono::steady_clock::now() - start;
    INFO(out.err);
    CHECK(out.code == 0);
    const std::string silent_way = "  OK    way out: http proxy 127.0.0.1:" + std::to_string(silent.port) +
                                   " (from PAC (proxy.conf pac_file " + pac + "))\n";
    const std::string squid_way = "  OK    way out: http proxy " + squid.host_port() + " (from PAC (proxy.conf pac_file " +
                                  pac + "))\n";
    CHECK(out.err.find(silent_way) != std::string::npos);
    CHECK(out.err.find("  OK    TCP to the proxy 127.0.0.1:" + std::to_string(silent.port) + ": connected\n") !=
          std::string::npos);
    CHECK(out.err.find("  FAIL  CONNECT 127.0.0.1:" + std::to_string(relay.port()) +
                       " through the proxy: no answer from the proxy 127.0.0.1:" + std::to_string(silent.port) +
                       " in time") != std::string::npos);
    CHECK(out.err.find("        check: the proxy accepted the connection but did not answer CONNECT: is it "
                       "overloaded, or is this address a proxy at all?\n") != std::string::npos);
    CHECK(out.err.find(squid_way) > out.err.find(silent_way));
    CHECK(out.err.find("result: the relay is reachable\n") != std::string::npos);
    // The silent proxy costs the failover bound (5 s), not the full 15 s.
    CHECK(took < 12s);
}

TEST_CASE("probe of a plain-HTTP relay URL explains the refusal instead of aborting", "[probe_routes]") {
    test_support::TempDir dir;
    std::string conf = dir.write("proxy.conf", "no_proxy = *\nwpad = no\n");
    e2e::Route r;
    r.relay_url = "http://127.0.0.1:9/";
    r.options = {"--proxy-conf", conf};
    auto out = e2e::run_tunnel(r, {"probe"}, 30s);
    INFO(out.err);
    CHECK(out.code == 4);
    CHECK(out.err.find("  FAIL  relay URL: the relay URL http://127.0.0.1:9/ is plain HTTP, which is not allowed "
                       "(proxy.conf allow_plain_http = no): use an https:// relay URL, or ask the admin to allow "
                       "plain HTTP for proxies that refuse CONNECT\n") != std::string::npos);
    CHECK(out.err.find("result: NOT reachable (see FAIL above)\n") != std::string::npos);
}
