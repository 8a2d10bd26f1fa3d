// winnet/ units under wine: which answer our CONNECT gives to a 407 (scheme
// choice, the proxy_auth list, giving up), and how routes are read.
#include <catch2/catch.hpp>

#include "proxy_auth.h"
#include "route.h"

using namespace winnet;

namespace {

Config with_auth(const std::string& list, const std::string& user = "alice", const std::string& pw = "s3cret") {
    Config c;
    c.relay_url = "https://localhost:1/";
    c.proxy_url = "http://127.0.0.1:3128";
    c.proxy_auth = list;
    c.proxy_user = user;
    c.proxy_password = pw;
    return c;
}

}  // namespace

TEST_CASE("winnet: a 407 is answered with the strongest allowed scheme, Basic only when allowed", "[units]") {
    struct Row { std::string list, user; std::vector<std::string> offered; std::string prefix; const char* why; };
    std::vector<Row> rows = {
        {"basic", "alice", {"Basic realm=\"x\""}, "Basic YWxpY2U6czNjcmV0", "Basic allowed and offered"},
        {"any", "alice", {"Basic realm=\"x\""}, "Basic YWxpY2U6czNjcmV0", "any includes Basic"},
        {"anysafe", "alice", {"Basic realm=\"x\""}, "", "anysafe never sends a password in clear"},
        {"", "alice", {"Basic realm=\"x\""}, "", "the default is anysafe"},
        {"basic", "", {"Basic realm=\"x\""}, "", "Basic without a user: nothing to send"},
        {"basic,ntlm", "alice", {"Basic realm=\"x\"", "NTLM"}, "NTLM ", "NTLM before Basic"},
        {"anysafe", "alice", {"Digest realm=\"x\""}, "", "Digest is not implemented"},
        {"anysafe", "alice", {}, "", "a 407 without Proxy-Authenticate"},
    };
    for (auto& r : rows) {
        INFO(r.why);
        Config cfg = with_auth(r.list, r.user);
        ProxyAuth auth(cfg, "127.0.0.1");
        std::string answer = auth.answer(r.offered);
        if (r.prefix.empty()) CHECK(answer.empty());
        else CHECK(answer.rfind(r.prefix, 0) == 0);
    }
}

TEST_CASE("winnet: a second 407 after Basic means wrong credentials: give up", "[units]") {
    Config cfg = with_auth("basic");
    ProxyAuth auth(cfg, "127.0.0.1");
    CHECK(auth.answer({"Basic realm=\"x\""}) == "Basic YWxpY2U6czNjcmV0");
    CHECK(auth.answer({"Basic realm=\"x\""}).empty());
    CHECK(auth.basic_offered());
}

TEST_CASE("winnet: routes: https only, proxy port 1080 by default, names for messages", "[units]") {
    Config c;
    c.relay_url = "https://Relay.Example.com/base/";
    c.proxy_url = "10.0.0.1";
    Route r = route_of(c);
    CHECK(r.relay_name() == "relay.example.com:443");
    CHECK(r.relay.path == "/base");
    CHECK(r.proxy_name() == "10.0.0.1:1080");
    CHECK(relay_host_header(r) == "relay.example.com");
    c.proxy_url = "http://proxy:8080";
    CHECK(route_of(c).proxy_name() == "proxy:8080");
    c.relay_url = "http://relay.example.com/";
    CHECK_THROWS_AS(route_of(c), session::CarrierError);
    c.relay_url = "relay.example.com";
    CHECK_THROWS_AS(route_of(c), session::CarrierError);
}

TEST_CASE("winnet: relay answers become the same sentences as on Linux", "[units]") {
    auto gone = relay_status(410, R"({"error":"ended_session","message":"the session has ended"})");
    CHECK(std::string(gone.what()) == "the relay no longer knows this session (410): the session has ended");
    CHECK(gone.fatal);
    auto big = relay_status(413, "");
    CHECK(big.http_status == 413);
    CHECK(std::string(big.what()).find("limits request bodies") != std::string::npos);
    Config cfg = with_auth("anysafe", "");
    Route route = route_of(cfg);
    CHECK(std::string(connect_refused(407, cfg, route, false).what()) ==
          "the proxy 127.0.0.1:3128 requires authentication (407): set proxy_user/proxy_password");
}
