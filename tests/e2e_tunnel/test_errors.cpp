// `tether-tunnel join` tells apart every reason a code does not work.
#include <catch2/catch.hpp>

#include <thread>

#include "tunnel/session_client.h"
#include "tunnel_fixture.h"

using namespace std::chrono_literals;

namespace {

void expect_join_error(const e2e::Route& route, const std::string& code, const std::string& text) {
    auto r = e2e::run_tunnel(route, {"join", code});
    INFO("join " << code << ":\n" << r.err);
    CHECK(r.code == 3);
    CHECK(r.err.find(text) != std::string::npos);
}

}  // namespace

TEST_CASE("wrong, expired, used and ended codes each give their own error", "[join_errors]") {
    test_support::Squid squid;
    test_support::Relay relay({{"--code-ttl", "1", "--join-failures-per-ip", "0", "--join-failures-per-prefix", "0"}});
    e2e::Route route = e2e::via(squid, relay);
    tunnel::EndpointConfig cfg;
    cfg.relay_url = route.relay_url;
    cfg.ca_file = route.ca_file;
    cfg.proxy_url = route.proxy_url;
    tunnel::SessionClient api(cfg);

    auto expiring = api.create("expiring");
    auto start = std::chrono::steady_clock::now();
    auto used = api.create("used");
    api.join(used.code);
    auto ended = api.create("ended");
    api.end(ended.token);

    std::string unknown = "000000";
    for (auto* c : {&expiring.code, &used.code, &ended.code})
        if (*c == unknown) unknown = "000001";

    expect_join_error(route, unknown, "no session has this code");
    expect_join_error(route, used.code, "this code was already used");
    expect_join_error(route, ended.code, "the session of this code has already ended");
    expect_join_error(route, "12ab", "a session code is 6 to 9 digits");
    std::this_thread::sleep_until(start + 2500ms);  // --code-ttl 1 s, checked lazily
    expect_join_error(route, expiring.code, "this code expired before anyone joined");
}
