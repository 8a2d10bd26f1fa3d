// Proxy authentication: Basic with the right and the wrong password.
#include <catch2/catch.hpp>

#include "tunnel_fixture.h"

using namespace std::chrono_literals;
using test_support::read_file;

TEST_CASE("CONNECT with Basic proxy auth; a wrong password is a clear 407", "[basic_auth]") {
    test_support::TempDir dir;
    test_support::SquidOptions so;
    so.basic_user = "alice";
    so.basic_password = "correct horse";
    test_support::Squid squid(so);
    test_support::Relay relay;
    e2e::Route route = e2e::via(squid, relay);
    route.proxy_user = "alice";
    route.proxy_password = "correct horse";
    route.proxy_auth = "basic";

    e2e::transfer(route, dir, dir.write("desk.in", "desk says hi\n"),
                  dir.write("client.in", "client says hi\n"), 30s);
    CHECK(read_file(dir.file("client.out")) == "desk says hi\n");
    CHECK(read_file(dir.file("desk.out")) == "client says hi\n");
    // squid logs the authenticated user of each tunnel.
    CHECK(squid.wait_for_log("CONNECT 127\\.0\\.0\\.1:[0-9]+ alice ", 10s));

    SECTION("wrong password") {
        route.proxy_password = "wrong";
        auto r = e2e::run_tunnel(route, {"open"});
        INFO(r.err);
        CHECK(r.code == 1);
        CHECK(r.err.find("tether-tunnel: the proxy " + squid.host_port() + " rejected the credentials of "
                         "'alice' (407): check proxy_user/proxy_password\n") != std::string::npos);
    }
    SECTION("Basic offered, but not allowed by proxy_auth") {
        route.proxy_auth.clear();  // the default: every scheme but Basic to a plain http:// proxy
        auto r = e2e::run_tunnel(route, {"open"});
        INFO(r.err);
        CHECK(r.code == 1);
        CHECK(r.err.find("tether-tunnel: the proxy " + squid.host_port() + " offers only Basic authentication "
                         "(407), which sends the password in clear and is not allowed here (negotiate,ntlm,digest): "
                         "if that is acceptable for this proxy, allow basic (--proxy-auth basic, or in proxy.conf "
                         "auth = ...,basic and allow_basic_over_http = yes)\n") != std::string::npos);
    }
    SECTION("no credentials") {
        route.proxy_user.clear();
        route.proxy_password.clear();
        auto r = e2e::run_tunnel(route, {"join", "123456"});
        INFO(r.err);
        CHECK(r.code == 1);
        CHECK(r.err.find("requires authentication (407)") != std::string::npos);
    }
}

TEST_CASE("CONNECT with NTLM proxy auth", "[ntlm_auth]") {
    test_support::TempDir dir;
    test_support::SquidOptions so;
    so.ntlm = true;  // ntlm_fake_auth: the handshake is real, any password passes
    test_support::Squid squid(so);
    test_support::Relay relay;
    e2e::Route route = e2e::via(squid, relay);
    route.proxy_user = "bob";
    route.proxy_password = "any";
    route.proxy_auth = "ntlm";

    e2e::transfer(route, dir, dir.write("desk.in", "over ntlm\n"), dir.write("client.in", "and back\n"), 30s);
    CHECK(read_file(dir.file("client.out")) == "over ntlm\n");
    CHECK(read_file(dir.file("desk.out")) == "and back\n");
    CHECK(squid.wait_for_log("CONNECT 127\\.0\\.0\\.1:[0-9]+ [^ ]*bob[^ ]* ", 10s));
}

// The default proxy_auth (anysafe) includes Digest: the password never
// crosses the wire in clear, so no setting is needed for a Digest proxy.
TEST_CASE("CONNECT with Digest proxy auth under the default anysafe; a wrong password is a clear 407",
          "[digest_auth]") {
    test_support::TempDir dir;
    test_support::SquidOptions so;
    so.digest_user = "carol";
    so.digest_password = "digest pw";
    test_support::Squid squid(so);
    test_support::Relay relay;
    e2e::Route route = e2e::via(squid, relay);
    route.proxy_user = "carol";
    route.proxy_password = "digest pw";

    e2e::transfer(route, dir, dir.write("desk.in", "over digest\n"), dir.write("client.in", "and back\n"), 30s);
    CHECK(read_file(dir.file("client.out")) == "over digest\n");
    CHECK(read_file(dir.file("desk.out")) == "and back\n");
    CHECK(squid.wait_for_log("TCP_TUNNEL/200 [0-9]+ CONNECT 127\\.0\\.0\\.1:[0-9]+ carol ", 10s));

    route.proxy_password = "wrong";
    auto r = e2e::run_tunnel(route, {"open"});
    INFO(r.err);
    CHECK(r.code == 1);
    CHECK(r.err.find("tether-tunnel: the proxy " + squid.host_port() + " rejected the credentials of 'carol' "
                     "(407): check proxy_user/proxy_password\n") != std::string::npos);
}
