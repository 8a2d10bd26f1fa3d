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
        // No port: the keyword's default, as Chromium (PROXY/HTTP 80, HTTPS 443, SOCKS 1080).
        {"PROXY noport; DIRECT", {"http://noport:80", ""}, 0},
        {"HTTPS secure", {"https://secure:443"}, 0},
        {"SOCKS5 s; SOCKS t", {"socks5h://s:1080", "socks4a://t:1080"}, 0},
        {"PROXY [fd00::1]", {"http://[fd00::1]:80"}, 0},
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

TEST_CASE("proxy URL errors hide the password", "[candidate]") {
    struct Row {
        const char* url;
        const char* message;
    };
    const Row rows[] = {
        {"http://alice:s3cret@127.0.0.1:99999",
         "cannot use URL 'http://alice:***@127.0.0.1:99999': port 99999 is out of range 1-65535"},
        {"gopher://alice:s3cret@p:70", "proxy 'gopher://alice:***@p:70' has scheme 'gopher'; "
                                       "use http://, https://, socks4:// or socks5://"},
        {"alice:s3cret@p:3128/x", "proxy 'alice:***@p:3128/x' has a path; give only scheme://host:port"},
        {"http://bob@p:0", "cannot use URL 'http://bob@p:0': port 0 is out of range 1-65535"},
    };
    for (const auto& r : rows) {
        INFO(r.url);
        CHECK_THROWS_WITH(parse_proxy_url(r.url, "t"), r.message);
    }
}
