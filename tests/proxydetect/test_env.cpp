// Environment variables: which one applies, case, precedence, no_proxy.
#include <catch2/catch.hpp>

#include "proxydetect/env_proxy.h"
#include "proxydetect/fakes.h"

using namespace proxydetect;

namespace {
struct Row {
    std::map<std::string, std::string> vars;
    const char* url;
    const char* expected_proxy;  // curl URL, "" = none, "DIRECT" = bypassed
    const char* expected_variable;
};

std::string outcome(const EnvProxy& e) {
    if (!e.proxy) return "";
    if (e.bypass_rule) return "DIRECT";
    return e.proxy->curl_proxy_url();
}
}  // namespace

TEST_CASE("environment: variable choice, case and precedence", "[env]") {
    const Row rows[] = {
        {{{"http_proxy", "p1:3128"}}, "http://a.com/", "http://p1:3128", "http_proxy"},
        {{{"HTTP_PROXY", "p2:3128"}}, "http://a.com/", "http://p2:3128", "HTTP_PROXY"},
        {{{"http_proxy", "low:1"}, {"HTTP_PROXY", "up:2"}}, "http://a.com/", "http://low:1", "http_proxy"},
        // empty lower case counts as unset: falls through to upper case
        {{{"http_proxy", ""}, {"HTTP_PROXY", "up:2"}}, "http://a.com/", "http://up:2", "HTTP_PROXY"},
        // httpoxy: HTTP_PROXY ignored inside a CGI request
        {{{"HTTP_PROXY", "evil:1"}, {"REQUEST_METHOD", "GET"}}, "http://a.com/", "", ""},
        {{{"HTTP_PROXY", "evil:1"}, {"REQUEST_METHOD", "GET"}, {"all_proxy", "ok:9"}},
         "http://a.com/", "http://ok:9", "all_proxy"},
        // https URLs use https_proxy, never http_proxy
        {{{"http_proxy", "h:1"}}, "https://a.com/", "", ""},
        {{{"https_proxy", "s:2"}, {"HTTPS_PROXY", "S:3"}}, "https://a.com/", "http://s:2", "https_proxy"},
        {{{"HTTPS_PROXY", "https://tls.proxy:443"}}, "https://a.com/", "https://tls.proxy:443", "HTTPS_PROXY"},
        {{{"https_proxy", "x:1"}}, "wss://a.com/", "http://x:1", "https_proxy"},
        {{{"http_proxy", "x:1"}}, "ws://a.com/", "http://x:1", "http_proxy"},
        // all_proxy fallback, both cases, lower first
        {{{"all_proxy", "socks5://s:1080"}}, "https://a.com/", "socks5h://s:1080", "all_proxy"},
        {{{"ALL_PROXY", "socks4://s"}}, "http://a.com/", "socks4a://s:1080", "ALL_PROXY"},
        {{{"https_proxy", "spec:1"}, {"all_proxy", "all:2"}}, "https://a.com/", "http://spec:1", "https_proxy"},
        // default port of an http proxy without one
        {{{"http_proxy", "http://p"}}, "http://a.com/", "http://p:80", "http_proxy"},
        // no_proxy beats NO_PROXY entirely
        {{{"http_proxy", "p:1"}, {"no_proxy", "a.com"}}, "http://www.a.com/", "DIRECT", "http_proxy"},
        {{{"http_proxy", "p:1"}, {"NO_PROXY", "a.com"}}, "http://www.a.com/", "DIRECT", "http_proxy"},
        {{{"http_proxy", "p:1"}, {"no_proxy", "b.com"}, {"NO_PROXY", "a.com"}}, "http://a.com/", "http://p:1",
         "http_proxy"},
        {{{"http_proxy", "p:1"}, {"no_proxy", "*"}}, "http://a.com/", "DIRECT", "http_proxy"},
        // unusable value: skipped, the next variable applies
        {{{"https_proxy", "ftp://x:1"}, {"HTTPS_PROXY", "y:2"}}, "https://a.com/", "http://y:2", "HTTPS_PROXY"},
        {{}, "http://a.com/", "", ""},
    };
    for (const auto& r : rows) {
        fake::Environment env;
        env.vars = r.vars;
        std::string vars;
        for (const auto& [k, v] : r.vars) vars += k + "=" + v + " ";
        INFO(vars << "url " << r.url);
        auto e = proxy_from_environment(env, parse_url(r.url));
        CHECK(outcome(e) == r.expected_proxy);
        CHECK(e.variable == r.expected_variable);
    }
}

TEST_CASE("environment: credentials in the proxy URL are kept apart", "[env]") {
    fake::Environment env;
    env.vars["https_proxy"] = "http://alice:s3cret@proxy.corp:8080";
    auto e = proxy_from_environment(env, parse_url("https://relay/"));
    REQUIRE(e.proxy);
    CHECK(e.proxy->username == "alice");
    CHECK(e.proxy->password == "s3cret");
    CHECK(e.proxy->curl_proxy_url() == "http://proxy.corp:8080");  // no secret in the URL
}

TEST_CASE("environment: ignored variables are explained", "[env]") {
    fake::Environment env;
    env.vars = {{"HTTP_PROXY", "evil:1"}, {"REQUEST_METHOD", "POST"}};
    auto e = proxy_from_environment(env, parse_url("http://a/"));
    REQUIRE(e.notes.size() == 1);
    CHECK(e.notes[0].find("httpoxy") != std::string::npos);
}

TEST_CASE("environment: a rejected proxy URL is explained without its password", "[env]") {
    fake::Environment env;
    env.vars["https_proxy"] = "http://alice:s3cret@127.0.0.1:99999";
    auto e = proxy_from_environment(env, parse_url("https://relay/"));
    REQUIRE(e.notes.size() == 1);
    CHECK(e.notes[0] == "https_proxy ignored: cannot use URL 'http://alice:***@127.0.0.1:99999': "
                        "port 99999 is out of range 1-65535");
}

TEST_CASE("environment: percent-encoded credentials are decoded (DOMAIN\\user)", "[env]") {
    fake::Environment env;
    env.vars["https_proxy"] = "http://CORP%5Cbob:p%40ss%3Aw%25rd@proxy.corp:8080";
    auto e = proxy_from_environment(env, parse_url("https://relay/"));
    REQUIRE(e.proxy);
    CHECK(e.proxy->username == "CORP\\bob");
    CHECK(e.proxy->password == "p@ss:w%rd");
}
