// no_proxy grammar: one row per form (curl unit1614 style).
#include <catch2/catch.hpp>

#include <chrono>

#include "proxydetect/no_proxy.h"

using namespace proxydetect;

namespace {
struct Row {
    const char* rules;
    const char* url;
    bool bypass;
};
}  // namespace

TEST_CASE("no_proxy: every grammar form", "[no_proxy]") {
    const Row rows[] = {
        // suffix match, curl / libproxy
        {"example.com", "http://example.com/", true},
        {"example.com", "http://www.example.com/", true},
        {"example.com", "http://notexample.com/", false},
        {"example.com", "http://example.com.evil.net/", false},
        // leading dot = same as without
        {".example.com", "http://example.com/", true},
        {".example.com", "http://a.b.example.com/", true},
        // *.domain: subdomains only
        {"*.example.com", "http://www.example.com/", true},
        {"*.example.com", "http://example.com/", false},
        // other globs
        {"*corp*", "http://intranet.corp.local/", true},
        {"*corp*", "http://example.org/", false},
        {"*", "https://anything.at.all/", true},
        // case and trailing dots, both sides
        {"Example.COM.", "http://WWW.example.com./", true},
        // IPv4 exact and CIDR: only IP-literal hosts match
        {"10.0.0.0/8", "http://10.1.2.3/", true},
        {"10.0.0.0/8", "http://11.1.2.3/", false},
        {"192.168.1.7", "http://192.168.1.7:8080/", true},
        {"192.168.1.7", "http://192.168.1.8/", false},
        {"10.0.0.0/8", "http://ten.example/", false},
        // IPv6 address and CIDR, with or without brackets
        {"::1", "http://[::1]/", true},
        {"[::1]", "http://[::1]:8080/", true},
        {"fd00::/8", "http://[fd12:3456::1]/", true},
        {"fd00::/8", "http://[fe80::1]/", false},
        {"[2001:db8::]/32", "http://[2001:db8:1::5]/", true},
        // IPv4-mapped IPv6 host against an IPv4 rule
        {"127.0.0.0/8", "http://[::ffff:127.0.0.1]/", true},
        // ports: effective port (scheme default counts)
        {"example.com:8080", "http://example.com:8080/", true},
        {"example.com:8080", "http://example.com/", false},
        {"example.com:443", "https://example.com/", true},
        {"[::1]:443", "https://[::1]/", true},
        {"[::1]:443", "http://[::1]/", false},
        {"10.0.0.0/8:443", "https://10.9.9.9/", true},
        {"10.0.0.0/8:443", "http://10.9.9.9/", false},
        // scheme-restricted (Chromium)
        {"http://example.com", "http://example.com/", true},
        {"http://example.com", "https://example.com/", false},
        // <local>: plain host names
        {"<local>", "http://intranet/", true},
        {"<local>", "http://intranet.corp/", false},
        {"<local>", "http://[::1]/", false},
        // lists: commas, semicolons, spaces
        {"foo.org, bar.org;baz.org  qux.org", "http://www.baz.org/", true},
        {"foo.org,,bar.org", "http://x.org/", false},
        {"", "http://example.com/", false},
    };
    for (const auto& r : rows) {
        INFO("rules '" << r.rules << "', url " << r.url);
        auto list = NoProxyList::parse(r.rules);
        CHECK(list.matches(parse_url(r.url)) == r.bypass);
    }
}

TEST_CASE("no_proxy: match() names the rule that matched", "[no_proxy]") {
    auto list = NoProxyList::parse("a.org, 10.0.0.0/8, .example.com");
    auto m = list.match(parse_url("https://www.example.com/"));
    REQUIRE(m);
    CHECK(*m == ".example.com");
}

TEST_CASE("no_proxy: bad entries are reported and skipped", "[no_proxy]") {
    const char* bad[] = {"10.0.0.0/33", "fd00::/129", "example.com:99999", "example.com:abc", "a/b", "[::1"};
    for (const char* entry : bad) {
        INFO(entry);
        std::vector<std::string> errors;
        auto list = NoProxyList::parse(std::string("good.org,") + entry, &errors);
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].find(entry) != std::string::npos);
        CHECK(list.size() == 1);  // the good one stays
    }
}

TEST_CASE("no_proxy: repeated '*' is matched in linear time, not by backtracking", "[no_proxy]") {
    // Nine stars against 40 letters: ~10^8 steps for a backtracking matcher
    // (seconds of CPU for every resolve), a few hundred for a linear one.
    std::string rule, host(40, 'a');
    for (int i = 0; i < 9; ++i) rule += "*a";
    rule += "*b";
    auto list = NoProxyList::parse(rule);
    auto start = std::chrono::steady_clock::now();
    bool bypass = list.match(parse_url("http://" + host + "/")).has_value();
    auto took = std::chrono::steady_clock::now() - start;
    CHECK_FALSE(bypass);
    CHECK(took < std::chrono::milliseconds(50));
    // And the matcher still matches what it should.
    CHECK(NoProxyList::parse("*a*b*c").match(parse_url("http://xaybzc/")).has_value());
    CHECK(NoProxyList::parse("a*").match(parse_url("http://abc/")).has_value());
    CHECK_FALSE(NoProxyList::parse("*a*b*c").match(parse_url("http://xaybzcd/")).has_value());
    CHECK(NoProxyList::parse("**x**").match(parse_url("http://x/")).has_value());
}

// Chromium's implicit bypass rules (net/docs/proxy.md "Implicit bypass
// rules"): loopback and link-local hosts, one row per address class.
TEST_CASE("no_proxy: the implicit rules name loopback and link-local hosts", "[no_proxy]") {
    const std::pair<const char*, const char*> rows[] = {
        {"http://localhost:8080/", "localhost"},
        {"http://LOCALHOST./", "localhost"},
        {"https://app.localhost/", "*.localhost"},
        {"http://127.0.0.1/", "127.0.0.0/8"},
        {"https://127.4.5.6:81/", "127.0.0.0/8"},
        {"http://[::ffff:127.0.0.1]/", "127.0.0.0/8"},
        {"http://[::1]/", "[::1]"},
        {"http://169.254.169.254/latest/", "169.254.0.0/16"},
        {"http://[fe80::1]/", "[fe80::]/10"},
        {"http://[febf::1]/", "[fe80::]/10"},
    };
    for (const auto& [url, rule] : rows) {
        INFO(url);
        CHECK(implicit_bypass_rule(parse_url(url)) == std::optional<std::string>(rule));
    }
    for (const char* url : {"http://localhost.example.com/", "http://mylocalhost/", "http://10.0.0.1/",
                            "http://128.0.0.1/", "http://169.255.0.1/", "http://[fec0::1]/", "http://[::2]/"}) {
        INFO(url);
        CHECK_FALSE(implicit_bypass_rule(parse_url(url)));
    }
}

TEST_CASE("no_proxy: <-loopback> subtracts the implicit rules, later rules win (Chromium)", "[no_proxy]") {
    CHECK_FALSE(NoProxyList::parse("example.com").subtracts_implicit());
    std::vector<std::string> errors;
    auto list = NoProxyList::parse("example.com, <-LOOPBACK>", &errors);
    CHECK(errors.empty());
    CHECK(list.subtracts_implicit());
    // It is not a bypass rule itself.
    CHECK_FALSE(list.match(parse_url("http://127.0.0.1/")));
    CHECK_FALSE(list.match(parse_url("http://other.org/")));
    CHECK(list.match(parse_url("http://www.example.com/")) == std::optional<std::string>("example.com"));
    // Order matters as in Chromium's ProxyBypassRules: the last matching
    // entry decides.
    CHECK_FALSE(NoProxyList::parse("localhost, <-loopback>").match(parse_url("http://localhost/")));
    CHECK(NoProxyList::parse("<-loopback>, localhost").match(parse_url("http://localhost/")) ==
          std::optional<std::string>("localhost"));
    CHECK(NoProxyList::parse("<-loopback> 10.0.0.0/8").match(parse_url("http://10.1.1.1/")) ==
          std::optional<std::string>("10.0.0.0/8"));
}
