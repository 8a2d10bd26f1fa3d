// The PAC function set, run in the real helper (duktape), against known
// answers. Each row is a JavaScript expression; the script returns String(expr).
#include <catch2/catch.hpp>

#include "proxydetect/fakes.h"
#include "proxydetect/pac.h"

using namespace proxydetect;

namespace {

// 2024-03-15 12:30:00 UTC, a Friday.
constexpr int64_t kFriday1230 = 1710505800;

struct Sandbox {
    std::unique_ptr<PacEvaluator> pac = make_helper_evaluator(PAC_EVAL_PATH);
    fake::Resolver dns;
    Sandbox() {
        dns.names["www.example.com"] = {"93.184.216.34", "2606:2800:220:1::1"};
        dns.names["v6only.example"] = {"2001:db8::1"};
    }
    PacOutcome run(const std::string& script, const std::string& url = "http://www.example.com/x",
                   const std::string& host = "www.example.com") {
        PacRequest r;
        r.script = script;
        r.url = url;
        r.host = host;
        r.my_addresses = {"10.1.2.3", "fd00::5", "192.168.0.9"};
        r.now_epoch = kFriday1230;
        return pac->evaluate(r, dns);
    }
    std::string eval(const std::string& expr) {
        auto o = run("function FindProxyForURL(url, host) { return String(" + expr + "); }");
        return o.ok ? o.result : "ERROR: " + o.error;
    }
};

}  // namespace

TEST_CASE("PAC functions give the known answers", "[pac_functions]") {
    Sandbox sb;
    const std::pair<const char*, const char*> rows[] = {
        {"isPlainHostName('www')", "true"},
        {"isPlainHostName('www.example.com')", "false"},
        {"isPlainHostName('::1')", "false"},
        {"dnsDomainIs('www.netscape.com', '.netscape.com')", "true"},
        {"dnsDomainIs('www', '.netscape.com')", "false"},
        {"dnsDomainIs('WWW.Netscape.COM', '.netscape.com')", "true"},
        {"localHostOrDomainIs('www.netscape.com', 'www.netscape.com')", "true"},
        {"localHostOrDomainIs('www', 'www.netscape.com')", "true"},
        {"localHostOrDomainIs('www.mcom.com', 'www.netscape.com')", "false"},
        {"localHostOrDomainIs('home.netscape.com', 'www.netscape.com')", "false"},
        {"isResolvable('www.example.com')", "true"},
        {"isResolvable('nowhere.invalid')", "false"},
        {"isResolvable('v6only.example')", "false"},  // dnsResolve is IPv4 only
        {"isResolvableEx('v6only.example')", "true"},
        {"isInNet('198.95.249.79', '198.95.249.79', '255.255.255.255')", "true"},
        {"isInNet('198.95.6.8', '198.95.0.0', '255.255.0.0')", "true"},
        {"isInNet('198.96.6.8', '198.95.0.0', '255.255.0.0')", "false"},
        {"isInNet('200.1.2.3', '200.0.0.0', '255.0.0.0')", "true"},  // above 2^31
        {"isInNet('www.example.com', '93.184.0.0', '255.255.0.0')", "true"},
        {"isInNet('nowhere.invalid', '0.0.0.0', '0.0.0.0')", "false"},
        {"dnsResolve('www.example.com')", "93.184.216.34"},
        {"dnsResolve('nowhere.invalid')", "null"},
        {"dnsResolve('10.9.8.7')", "10.9.8.7"},
        {"dnsResolveEx('www.example.com')", "93.184.216.34;2606:2800:220:1::1"},
        {"dnsResolveEx('nowhere.invalid')", ""},
        {"myIpAddress()", "10.1.2.3"},
        {"myIpAddressEx()", "10.1.2.3;fd00::5;192.168.0.9"},
        {"dnsDomainLevels('www')", "0"},
        {"dnsDomainLevels('www.netscape.com')", "2"},
        {"shExpMatch('http://home.netscape.com/people/ari/index.html', '*/ari/*')", "true"},
        {"shExpMatch('http://home.netscape.com/people/montulli/index.html', '*/ari/*')", "false"},
        {"shExpMatch('a.b', 'a?b')", "true"},
        {"shExpMatch('axb', 'a.b')", "false"},  // '.' is literal
        {"isInNetEx('198.95.249.79', '198.95.249.79/32')", "true"},
        {"isInNetEx('198.95.6.8', '198.95.0.0/16')", "true"},
        {"isInNetEx('3ffe:8311:ffff:abcd::1', '3ffe:8311:ffff::/48')", "true"},
        {"isInNetEx('3ffe:8312::1', '3ffe:8311:ffff::/48')", "false"},
        {"isInNetEx('10.0.0.1', 'fd00::/8')", "false"},
        {"isInNetEx('10.0.0.1', 'garbage')", "false"},
        {"sortIpAddressList('10.2.3.9;2001:4898:28:3:201:2ff:feea:fc14;::1;127.0.0.1;::9')",
         "::1;::9;2001:4898:28:3:201:2ff:feea:fc14;10.2.3.9;127.0.0.1"},
        {"sortIpAddressList('not-an-ip')", "false"},
        {"getClientVersion()", "1.0"},
        // time functions, pinned to Friday 2024-03-15 12:30:00 UTC
        {"weekdayRange('FRI', 'GMT')", "true"},
        {"weekdayRange('MON', 'FRI', 'GMT')", "true"},
        {"weekdayRange('SAT', 'SUN', 'GMT')", "false"},
        {"weekdayRange('THU', 'MON', 'GMT')", "true"},  // wraps around the weekend
        {"weekdayRange('XYZ', 'GMT')", "false"},
        {"dateRange(15, 'GMT')", "true"},
        {"dateRange('MAR', 'GMT')", "true"},
        {"dateRange(2024, 'GMT')", "true"},
        {"dateRange('JAN', 'FEB', 'GMT')", "false"},
        {"dateRange('NOV', 'MAR', 'GMT')", "true"},  // wraps around the new year
        {"dateRange(1, 'MAR', 31, 'MAR', 'GMT')", "true"},
        {"dateRange(1, 'JAN', 2023, 31, 'DEC', 2023, 'GMT')", "false"},
        {"timeRange(12, 'GMT')", "true"},
        {"timeRange(9, 17, 'GMT')", "true"},
        {"timeRange(13, 17, 'GMT')", "false"},
        {"timeRange(12, 0, 12, 30, 'GMT')", "false"},  // the end is exclusive
        {"timeRange(12, 0, 12, 31, 'GMT')", "true"},
        {"timeRange(22, 14, 'GMT')", "true"},  // wraps around midnight
    };
    for (const auto& [expr, expected] : rows) {
        INFO(expr);
        CHECK(sb.eval(expr) == expected);
    }
}

TEST_CASE("PAC: FindProxyForURLEx is preferred when defined", "[pac_functions]") {
    Sandbox sb;
    auto o = sb.run("function FindProxyForURL(u,h){return 'PROXY old:1';}\n"
                    "function FindProxyForURLEx(u,h){return 'PROXY new:1';}");
    REQUIRE(o.ok);
    CHECK(o.result == "PROXY new:1");
}

TEST_CASE("PAC: URL and host are data, never code", "[pac_functions]") {
    Sandbox sb;
    // A URL that would break out of a string literal if pasted into source.
    std::string evil = "http://x/'); throw 'pwned'; ('\\";
    auto o = sb.run("function FindProxyForURL(url, host) { return 'PROXY a:1; ' + url.length; }", evil, "x");
    REQUIRE(o.ok);
    CHECK(o.result == "PROXY a:1; " + std::to_string(evil.size()));
}

TEST_CASE("PAC: alerts and DNS lookups are traced in order", "[pac_functions]") {
    Sandbox sb;
    auto o = sb.run("function FindProxyForURL(url, host) {\n"
                    "  alert('start ' + host);\n"
                    "  var ip = dnsResolve(host);\n"
                    "  alert('ip ' + ip);\n"
                    "  return isInNet(ip, '93.0.0.0', '255.0.0.0') ? 'PROXY p:3128' : 'DIRECT';\n}");
    REQUIRE(o.ok);
    CHECK(o.result == "PROXY p:3128");
    REQUIRE(o.events.size() == 3);
    CHECK(o.events[0].kind == PacEvent::Kind::alert);
    CHECK(o.events[0].text == "start www.example.com");
    CHECK(o.events[1].kind == PacEvent::Kind::dns);
    CHECK(o.events[1].text == "www.example.com -> 93.184.216.34, 2606:2800:220:1::1");
    CHECK(o.events[2].text == "ip 93.184.216.34");
    CHECK(sb.dns.asked == std::vector<std::string>{"www.example.com"});  // cached in the helper
}

TEST_CASE("PAC: the visible URL of https is stripped", "[pac_functions]") {
    CHECK(pac_visible_url("https://relay.example.com/s/123?token=abc") == "https://relay.example.com/");
    CHECK(pac_visible_url("https://relay.example.com:8443/x") == "https://relay.example.com:8443/");
    CHECK(pac_visible_url("http://a.com/x?y") == "http://a.com/x?y");
}
