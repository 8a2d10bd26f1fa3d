// Proxy URLs, PAC result strings and the curl proxy URL of a candidate.
#include <catch2/catch.hpp>

#include "proxydetect/candidate.h"
#include "proxydetect/errors.h"

using namespace proxydetect;

TEST_CASE("PAC results parse into candidates", "[candidate]") {
    struct Row {
        const char* result;
        std::vector<std::string> curl;  // "" for DIRECT
        std::size_t rejected;
    };
    const Row rows[] = {
        {"DIRECT", {""}, 0},
        {"PROXY a:8080; DIRECT", {"http://a:8080", ""}, 0},
        {"proxy a:8080;direct", {"http://a:8080", ""}, 0},
        {"HTTPS secure.corp:443", {"https://secure.corp:443"}, 0},
        {"HTTP h:1", {"http://h:1"}, 0},
        {"SOCKS s:1080; SOCKS5 t:1081", {"socks4a://s:1080", "socks5h://t:1081"}, 0},
        {"PROXY [fd00::1]:3128", {"http://[fd00::1]:3128"}, 0},
        {"PROXY a:1;", {"http://a:1"}, 0},
        {"PROXY noport; DIRECT", {""}, 1},
        {"QUIC q:443; PROXY a:1", {"http://a:1"}, 1},
        {"PROXY a:1 b:2", {}, 1},
        {"", {}, 0},
    };
    for (const auto& r : rows) {
        INFO("'" << r.result << "'");
        std::vector<std::string> rejected;
        auto cs = parse_pac_result(r.result, "test", &rejected);
        std::vector<std::string> curl;
        for (const auto& c : cs) curl.push_back(c.curl_proxy_url());
        CHECK(curl == r.curl);
        CHECK(rejected.size() == r.rejected);
    }
}

TEST_CASE("proxy URLs: schemes, default ports, errors", "[candidate]") {
    CHECK(parse_proxy_url("proxy:3128", "t").curl_proxy_url() == "http://proxy:3128");
    CHECK(parse_proxy_url("HTTP://Proxy.Corp.:3128/", "t").curl_proxy_url() == "http://proxy.corp:3128");
    CHECK(parse_proxy_url("https://p", "t").port == 443);
    CHECK(parse_proxy_url("socks5h://p", "t").port == 1080);
    CHECK(parse_proxy_url("[::1]:8080", "t").pac_string() == "PROXY [::1]:8080");
    CHECK_THROWS_AS(parse_proxy_url("gopher://p:70", "t"), UrlError);
    CHECK_THROWS_AS(parse_proxy_url("http://p:3128/path", "t"), UrlError);
    CHECK_THROWS_AS(parse_proxy_url("", "t"), UrlError);
    CHECK_THROWS_AS(parse_proxy_url("http://[::1:80", "t"), UrlError);
}
