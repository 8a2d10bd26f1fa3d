// The order of sources, bypass, failover, fail-open/closed and auth, with fakes.
#include <catch2/catch.hpp>

#include "detector_fixture.h"
#include "proxydetect/config.h"
#include "proxydetect/errors.h"
#include "proxydetect/explain.h"
#include "proxydetect/wpad.h"

#include <fstream>
#include <optional>
#include <sstream>

using namespace proxydetect;
using pdtest::Fixture;
using pdtest::pac_strings;
using pdtest::verdict;
using V = std::vector<std::string>;

namespace {
PacOutcome ok(const std::string& result) {
    PacOutcome o;
    o.ok = true;
    o.result = result;
    return o;
}
}  // namespace

TEST_CASE("detector: proxy.conf proxy beats everything; later sources are skipped", "[detector]") {
    Fixture f(parse_config("proxy = http://admin.proxy:3128\n", "proxy.conf"));
    f.env->vars["https_proxy"] = "env.proxy:1";
    auto d = f.detector->resolve("https://relay.example.com/");
    CHECK(pac_strings(d) == V{"PROXY admin.proxy:3128"});
    CHECK(verdict(d, "proxy.conf") == "used");
    CHECK(verdict(d, "environment") == "skipped");
    CHECK(verdict(d, "WPAD") == "skipped");
}

TEST_CASE("detector: environment beats desktop, desktop beats WPAD", "[detector]") {
    Fixture f(Config{});
    f.desktop->settings.mode = SystemProxySettings::Mode::manual;
    f.desktop->settings.https = parse_proxy_url("desk.proxy:8080", "fake desktop https");
    f.env->vars["https_proxy"] = "env.proxy:1";
    CHECK(pac_strings(f.detector->resolve("https://r/")) == V{"PROXY env.proxy:1"});
    f.env->vars.clear();
    auto d = f.detector->resolve("https://r/");
    CHECK(pac_strings(d) == V{"PROXY desk.proxy:8080"});
    CHECK(verdict(d, "environment") == "not configured");
    CHECK(verdict(d, "fake desktop") == "used");
}

TEST_CASE("detector: desktop ignore-hosts and proxy.conf no_proxy bypass", "[detector]") {
    Fixture f(parse_config("no_proxy = .internal.example\n", "proxy.conf"));
    f.desktop->settings.mode = SystemProxySettings::Mode::manual;
    f.desktop->settings.http = parse_proxy_url("desk:3128", "d");
    f.desktop->settings.ignore_hosts = "localhost,10.0.0.0/8";
    CHECK(pac_strings(f.detector->resolve("http://10.2.3.4/")) == V{"DIRECT"});
    CHECK(pac_strings(f.detector->resolve("http://example.org/")) == V{"PROXY desk:3128"});
    f.env->vars["http_proxy"] = "env:1";
    auto d = f.detector->resolve("http://wiki.internal.example/");
    CHECK(pac_strings(d) == V{"DIRECT"});
    CHECK(verdict(d, "proxy.conf") == "bypass");
}

TEST_CASE("detector: nothing configured means DIRECT, explained", "[detector]") {
    Fixture f(Config{});
    auto d = f.detector->resolve("https://relay.example.com/");
    CHECK(pac_strings(d) == V{"DIRECT"});
    CHECK(verdict(d, "default") == "used");
    CHECK(explain_text(d).find("no source configures a proxy") != std::string::npos);
}

TEST_CASE("detector: WPAD devolves only down to wpad_domain_limit", "[detector]") {
    Fixture f(parse_config("wpad_domain_limit = corp.example.com\n", "proxy.conf"));
    f.net->domains = {"eng.lab.corp.example.com"};
    f.dns->names["wpad.corp.example.com"] = {"10.0.0.5"};
    f.http->bodies["http://wpad.corp.example.com/wpad.dat"] = "function FindProxyForURL(u,h){return 'PROXY p:1';}";
    f.pac->outcome = ok("PROXY wpadproxy:8080; DIRECT");
    auto d = f.detector->resolve("https://relay.example.com/some/path?q=1");
    CHECK(pac_strings(d) == V{"PROXY wpadproxy:8080", "DIRECT"});
    CHECK(f.dns->asked == V{"wpad.eng.lab.corp.example.com", "wpad.lab.corp.example.com", "wpad.corp.example.com"});
    REQUIRE(f.pac->seen.size() == 1);
    CHECK(f.pac->seen[0].url == "https://relay.example.com/");  // path of an https URL is not the PAC's business
    CHECK(f.pac->seen[0].host == "relay.example.com");
    REQUIRE(d.pac);
    CHECK(d.pac->origin == "WPAD http://wpad.corp.example.com/wpad.dat");
}

TEST_CASE("detector: without a limit WPAD never devolves", "[detector]") {
    Fixture f(Config{});
    f.net->domains = {"lab.corp.example.com"};
    f.dns->names["wpad.corp.example.com"] = {"10.0.0.5"};  // a parent: must not be used
    auto d = f.detector->resolve("http://x/");
    CHECK(f.dns->asked == V{"wpad.lab.corp.example.com"});
    CHECK(pac_strings(d) == V{"DIRECT"});
    CHECK(f.http->fetched.empty());
}

TEST_CASE("detector: wpad = off skips discovery", "[detector]") {
    Fixture f(parse_config("wpad = off\n", "proxy.conf"));
    f.net->domains = {"corp.example.com"};
    auto d = f.detector->resolve("http://x/");
    CHECK(f.dns->asked.empty());
    CHECK(verdict(d, "WPAD") == "skipped");
}

TEST_CASE("detector: failed candidates go last for failure_retry, then come back", "[detector]") {
    Fixture f(parse_config("pac_file = /etc/p.pac\n", "proxy.conf"));
    f.files->files["/etc/p.pac"] = "function FindProxyForURL(u,h){}";
    f.pac->outcome = ok("PROXY a:1; PROXY b:2; DIRECT");
    auto d = f.detector->resolve("http://x/");
    REQUIRE(pac_strings(d) == V{"PROXY a:1", "PROXY b:2", "DIRECT"});
    f.detector->mark_failed(d.candidates[0]);
    CHECK(pac_strings(f.detector->resolve("http://x/")) == V{"PROXY b:2", "DIRECT", "PROXY a:1"});
    f.clock->t += std::chrono::seconds(299);
    CHECK(pac_strings(f.detector->resolve("http://x/"))[0] == "PROXY b:2");
    f.clock->t += std::chrono::seconds(2);  // 301 s after the failure
    CHECK(pac_strings(f.detector->resolve("http://x/"))[0] == "PROXY a:1");
    f.detector->mark_failed(d.candidates[1]);
    f.detector->mark_succeeded(d.candidates[1]);
    CHECK(pac_strings(f.detector->resolve("http://x/"))[1] == "PROXY b:2");
}

TEST_CASE("detector: detection failure is fail-open or fail-closed as configured", "[detector]") {
    SECTION("on_detection_failure = direct (default)") {
        Fixture f(parse_config("pac_url = http://pac.corp/p.pac\n", "proxy.conf"));  // 404 in the fake
        auto d = f.detector->resolve("https://r/");
        CHECK(pac_strings(d) == V{"DIRECT"});
        CHECK(d.failure.empty());
        CHECK(verdict(d, "detection") == "error");
    }
    SECTION("on_detection_failure = fail") {
        Fixture f(parse_config("pac_url = http://pac.corp/p.pac\non_detection_failure = fail\n", "proxy.conf"));
        auto d = f.detector->resolve("https://r/");
        CHECK(d.blocked());
        CHECK(d.failure.find("could not be loaded") != std::string::npos);
        CHECK(d.failure.find("on_detection_failure") != std::string::npos);
    }
    SECTION("a PAC that returns garbage is a detection failure too") {
        Fixture f(parse_config("pac_file = /p.pac\non_detection_failure = fail\n", "proxy.conf"));
        f.files->files["/p.pac"] = "x";
        f.pac->outcome = ok("NONSENSE");
        auto d = f.detector->resolve("https://r/");
        CHECK(d.blocked());
        CHECK(d.failure.find("no usable entry") != std::string::npos);
    }
}

TEST_CASE("detector: auth preferences and credentials reach the decision", "[detector]") {
    Fixture f(parse_config("proxy = http://p:3128\nauth = ntlm,basic\nproxy_credentials_file = /etc/c\n", "pc"));
    f.files->files["/etc/c"] = "svc-tether:pw\n";
    auto d = f.detector->resolve("https://r/");
    CHECK(d.auth.credentials.user == "svc-tether");
    CHECK(d.auth.schemes_for(d.candidates[0]) == std::vector<AuthScheme>{AuthScheme::ntlm});
    auto text = explain_text(d);
    CHECK(text.find("svc-tether") != std::string::npos);
    CHECK(text.find("pw\n") == std::string::npos);  // never the password
    CHECK(explain_json(d).find("\"pw\"") == std::string::npos);
}

TEST_CASE("detector: PAC scripts are fetched once per cache period", "[detector]") {
    Fixture f(parse_config("pac_url = http://pac.corp/p.pac\n", "proxy.conf"));
    f.http->bodies["http://pac.corp/p.pac"] = "function FindProxyForURL(u,h){}";
    f.pac->outcome = ok("DIRECT");
    f.detector->resolve("http://a/");
    f.detector->resolve("http://b/");
    CHECK(f.http->fetched.size() == 1);
    f.clock->t += std::chrono::minutes(6);
    f.detector->resolve("http://c/");
    CHECK(f.http->fetched.size() == 2);
}

TEST_CASE("detector: a malformed URL is a UrlError", "[detector]") {
    Fixture f(Config{});
    CHECK_THROWS_AS(f.detector->resolve("relay.example.com"), UrlError);
}

TEST_CASE("detector: desktop PAC mode without a URL is a detection failure", "[detector]") {
    Fixture f(parse_config("on_detection_failure = fail\n", "proxy.conf"));
    f.desktop->settings.mode = SystemProxySettings::Mode::pac_url;
    auto d = f.detector->resolve("https://r/");
    CHECK(d.blocked());
    CHECK(d.failure.find("no PAC URL") != std::string::npos);
}

TEST_CASE("detector: desktop PAC URL is fetched and evaluated", "[detector]") {
    Fixture f(Config{});
    f.desktop->settings.mode = SystemProxySettings::Mode::pac_url;
    f.desktop->settings.pac_url = "http://pac.corp/desk.pac";
    f.http->bodies["http://pac.corp/desk.pac"] = "function FindProxyForURL(u,h){}";
    f.pac->outcome = ok("HTTPS tls.proxy:443");
    auto d = f.detector->resolve("https://r/");
    CHECK(pdtest::pac_strings(d) == V{"HTTPS tls.proxy:443"});
    CHECK(d.auth.schemes_for(d.candidates[0]).back() == AuthScheme::basic);  // Basic is fine over TLS
}

TEST_CASE("detector: network_changed forgets failures and cached scripts", "[detector]") {
    Fixture f(parse_config("pac_url = http://pac.corp/p.pac\n", "proxy.conf"));
    f.http->bodies["http://pac.corp/p.pac"] = "function FindProxyForURL(u,h){}";
    f.pac->outcome = ok("PROXY a:1; DIRECT");
    auto d = f.detector->resolve("http://x/");
    f.detector->mark_failed(d.candidates[0]);
    CHECK(pdtest::pac_strings(f.detector->resolve("http://x/"))[0] == "DIRECT");
    f.detector->network_changed();
    CHECK(pdtest::pac_strings(f.detector->resolve("http://x/"))[0] == "PROXY a:1");
    CHECK(f.http->fetched.size() == 2);
}

// Windows' order (SourceOrder::system_first): the Internet Options, WPAD
// only when they ask for it, then proxy.conf and the environment; proxy.conf
// no_proxy still bypasses everything.
TEST_CASE("detector: system_first puts the system settings before proxy.conf and the environment", "[detector]") {
    DetectorOptions o;
    o.order = SourceOrder::system_first;
    Fixture f(parse_config("proxy = http://admin.proxy:3128\nno_proxy = .internal.example\n", "proxy.conf"), o);
    f.env->vars["https_proxy"] = "env.proxy:1";
    f.desktop->settings.mode = SystemProxySettings::Mode::manual;
    f.desktop->settings.https = parse_proxy_url("ie.proxy:8080", "fake desktop");
    auto d = f.detector->resolve("https://relay.example.com/");
    CHECK(pac_strings(d) == V{"PROXY ie.proxy:8080"});
    CHECK(verdict(d, "fake desktop") == "used");
    CHECK(verdict(d, "proxy.conf") == "skipped");
    CHECK(verdict(d, "environment") == "skipped");
    CHECK(pac_strings(f.detector->resolve("https://wiki.internal.example/")) == V{"DIRECT"});

    // A --proxy from the command line wins over the system settings too.
    Config pinned = parse_config("proxy = http://cli.proxy:3128\n", "proxy.conf");
    pinned.proxy_pinned = true;
    Fixture p(pinned, o);
    p.desktop->settings = f.desktop->settings;
    auto pd = p.detector->resolve("https://relay.example.com/");
    CHECK(pac_strings(pd) == V{"PROXY cli.proxy:3128"});
    CHECK(verdict(pd, "desktop") == "skipped");

    // "No proxy" in the system settings: proxy.conf decides; WPAD was not asked for.
    f.net->domains = {"corp.example"};
    f.dns->names["wpad.corp.example"] = {"10.0.0.5"};
    f.desktop->settings = {};
    f.desktop->settings.mode = SystemProxySettings::Mode::none;
    d = f.detector->resolve("https://relay.example.com/");
    CHECK(pac_strings(d) == V{"PROXY admin.proxy:3128"});
    CHECK(verdict(d, "WPAD") == "not configured");
    CHECK(f.http->fetched.empty());

    // Automatic detection asked for: WPAD runs before proxy.conf.
    f.desktop->settings.mode = SystemProxySettings::Mode::wpad;
    f.http->bodies["http://wpad.corp.example/wpad.dat"] = "function FindProxyForURL(u,h){}";
    f.pac->outcome.ok = true;
    f.pac->outcome.result = "PROXY wpad.proxy:80";
    d = f.detector->resolve("https://relay.example.com/");
    CHECK(pac_strings(d) == V{"PROXY wpad.proxy:80"});
    REQUIRE(f.pac->seen.size() == 1);
    CHECK(f.pac->seen[0].location == "http://wpad.corp.example/wpad.dat");  // what WinHTTP loads
}

TEST_CASE("detector: GNOME's 'no proxy' means DIRECT, WPAD is not tried", "[detector]") {
    Fixture f(Config{});
    f.desktop->settings.mode = SystemProxySettings::Mode::none;
    f.desktop->settings.detail = "mode 'none'";
    f.net->domains = {"corp.example.com"};
    f.dns->names["wpad.corp.example.com"] = {"10.0.0.66"};  // anyone on the LAN may answer
    f.http->bodies["http://wpad.corp.example.com/wpad.dat"] = "function FindProxyForURL(u,h){}";
    f.pac->outcome = ok("PROXY evil:8080");
    auto d = f.detector->resolve("https://relay.example.com/");
    CHECK(pac_strings(d) == V{"DIRECT"});
    CHECK(f.dns->asked.empty());
    CHECK(f.http->fetched.empty());
    CHECK(verdict(d, "fake desktop") == "not configured");
    CHECK(verdict(d, "WPAD") == "skipped");
    CHECK(verdict(d, "default") == "used");
}

TEST_CASE("detector: a failed PAC run's error is printed once by explain", "[detector]") {
    Fixture f(parse_config("pac_file = /p.pac\n", "proxy.conf"));
    f.files->files["/p.pac"] = "x";
    f.pac->outcome.ok = false;
    f.pac->outcome.error = "script error: SyntaxError: parse error (line 1)";
    auto d = f.detector->resolve("https://r/");
    CHECK(pac_strings(d) == V{"DIRECT"});
    std::string text = explain_text(d);
    INFO(text);
    auto first = text.find("SyntaxError");
    REQUIRE(first != std::string::npos);
    CHECK(text.find("SyntaxError", first + 1) == std::string::npos);
    CHECK(text.find("[detection] error: proxy.conf pac_file /p.pac: the PAC script failed (see the PAC "
                    "evaluation below)\n") != std::string::npos);
    // Fail-closed keeps the whole reason for the program's message.
    Fixture closed(parse_config("pac_file = /p.pac\non_detection_failure = fail\n", "proxy.conf"));
    closed.files->files["/p.pac"] = "x";
    closed.pac->outcome = f.pac->outcome;
    CHECK(closed.detector->resolve("https://r/").failure.find("SyntaxError") != std::string::npos);
}

TEST_CASE("detector: a VPN going up (new address or search domain) is noticed without network_changed()",
          "[detector]") {
    Fixture f(parse_config("pac_url = http://pac.corp/p.pac\n", "proxy.conf"));
    f.net->addresses = {"192.168.1.20"};
    f.net->domains = {"home.example"};
    f.http->bodies["http://pac.corp/p.pac"] = "function FindProxyForURL(u,h){}";
    f.pac->outcome = ok("PROXY a:1; DIRECT");
    auto d = f.detector->resolve("http://x/");
    f.detector->mark_failed(d.candidates[0]);
    CHECK(pac_strings(f.detector->resolve("http://x/"))[0] == "DIRECT");
    CHECK(f.http->fetched.size() == 1);

    f.net->addresses = {"10.8.0.2", "192.168.1.20"};  // the VPN's tunnel address
    d = f.detector->resolve("http://x/");
    CHECK(pac_strings(d)[0] == "PROXY a:1");
    CHECK(f.http->fetched.size() == 2);
    CHECK(verdict(d, "network") == "note");

    f.detector->mark_failed(d.candidates[0]);
    f.net->domains = {"corp.example"};  // a VPN that pushes only DNS
    CHECK(pac_strings(f.detector->resolve("http://x/"))[0] == "PROXY a:1");
}

// Chromium's implicit bypass (issue 17): loopback and link-local hosts go
// DIRECT whatever proxy a source names, unless a bypass list that applies
// holds <-loopback>. The address classes themselves: test_no_proxy.cpp.
namespace {
const char* const kImplicitUrls[] = {"http://localhost:8080/", "http://LOCALHOST./", "https://app.localhost/",
                                     "http://127.0.0.1/",      "https://127.4.5.6:81/", "http://[::1]/",
                                     "http://169.254.169.254/latest/", "http://[fe80::1]/"};

// The trace step that explains an implicit bypass, "" if none.
std::string implicit_step(const Decision& d) {
    for (const auto& s : d.trace)
        if (s.verdict == "bypass" && s.detail.find("implicit bypass") != std::string::npos) return s.detail;
    return "";
}
}  // namespace

TEST_CASE("detector: loopback and link-local hosts never use an environment or desktop proxy", "[detector]") {
    Fixture f(Config{});
    f.env->vars["http_proxy"] = "env.proxy:1";
    f.env->vars["https_proxy"] = "env.proxy:1";
    for (const char* url : kImplicitUrls) {
        INFO(url);
        auto d = f.detector->resolve(url);
        CHECK(pac_strings(d) == V{"DIRECT"});
        CHECK(verdict(d, "environment") == "bypass");
        CHECK(implicit_step(d).find("add <-loopback> to the no_proxy variable or to no_proxy in proxy.conf") !=
              std::string::npos);
    }
    for (const char* url : {"http://localhost.example.com/", "http://10.0.0.1/", "http://128.0.0.1/"}) {
        INFO(url);
        CHECK(pac_strings(f.detector->resolve(url)) == V{"PROXY env.proxy:1"});
    }
    f.env->vars["no_proxy"] = "example.org, <-loopback>";
    CHECK(pac_strings(f.detector->resolve("http://127.0.0.1:8443/")) == V{"PROXY env.proxy:1"});
    CHECK(pac_strings(f.detector->resolve("http://www.example.org/")) == V{"DIRECT"});

    f.env->vars.clear();
    f.desktop->settings.mode = SystemProxySettings::Mode::manual;
    f.desktop->settings.http = parse_proxy_url("desk.proxy:8080", "desktop");
    auto d = f.detector->resolve("http://127.0.0.1:3000/");
    CHECK(pac_strings(d) == V{"DIRECT"});
    CHECK(verdict(d, "fake desktop") == "bypass");
    CHECK(implicit_step(d).find("add <-loopback> to the bypass list of fake desktop or to no_proxy in proxy.conf") !=
          std::string::npos);
    f.desktop->settings.ignore_hosts = "<-loopback>";
    CHECK(pac_strings(f.detector->resolve("http://127.0.0.1:3000/")) == V{"PROXY desk.proxy:8080"});
}

TEST_CASE("detector: loopback and link-local hosts never use proxy.conf's proxy without <-loopback>", "[detector]") {
    Fixture f(parse_config("proxy = http://admin.proxy:3128\n", "/etc/tether/proxy.conf"));
    for (const char* url : kImplicitUrls) {
        INFO(url);
        auto d = f.detector->resolve(url);
        CHECK(pac_strings(d) == V{"DIRECT"});
        CHECK(verdict(d, "proxy.conf") == "bypass");
    }
    CHECK(pac_strings(f.detector->resolve("http://10.0.0.1/")) == V{"PROXY admin.proxy:3128"});

    Fixture opted(parse_config("proxy = http://admin.proxy:3128\nno_proxy = <-loopback>\n", "proxy.conf"));
    for (const char* url : kImplicitUrls) {
        INFO(url);
        CHECK(pac_strings(opted.detector->resolve(url)) == V{"PROXY admin.proxy:3128"});
    }
    // proxy.conf's <-loopback> holds for every source: the environment too.
    Fixture env_opted(parse_config("no_proxy = <-loopback>\n", "proxy.conf"));
    env_opted.env->vars["http_proxy"] = "env.proxy:1";
    CHECK(pac_strings(env_opted.detector->resolve("http://127.0.0.1/")) == V{"PROXY env.proxy:1"});

    // A --proxy on the command line is the person's own choice for this
    // run: used as given, loopback included (and the trace says so).
    Config pinned = parse_config("proxy = http://cli.proxy:3128\n", "proxy.conf");
    pinned.proxy_pinned = true;
    Fixture cli(pinned);
    auto d = cli.detector->resolve("http://127.0.0.1/");
    CHECK(pac_strings(d) == V{"PROXY cli.proxy:3128"});
    CHECK(implicit_step(d).empty());
}

TEST_CASE("detector: a PAC or WPAD answer does not send loopback hosts through a proxy", "[detector]") {
    Fixture f(parse_config("pac_url = http://pac.corp/proxy.pac\n", "/etc/tether/proxy.conf"));
    f.http->bodies["http://pac.corp/proxy.pac"] = "function FindProxyForURL(u,h){return 'PROXY pac.proxy:1';}";
    f.pac->outcome = ok("PROXY pac.proxy:1");
    for (const char* url : kImplicitUrls) {
        INFO(url);
        auto d = f.detector->resolve(url);
        CHECK(pac_strings(d) == V{"DIRECT"});
        CHECK_FALSE(d.pac);  // the script is never asked about a loopback host
    }
    CHECK(f.pac->seen.empty());
    auto d = f.detector->resolve("https://127.0.0.1:8443/");
    std::string text = explain_text(d);
    INFO(text);
    CHECK(text.find("implicit bypass: 127.0.0.1 is a loopback or link-local host (rule '127.0.0.0/8'); "
                    "add <-loopback> to no_proxy in /etc/tether/proxy.conf to send it through the proxy") !=
          std::string::npos);
    CHECK(text.find("1. DIRECT") != std::string::npos);
    CHECK(pac_strings(f.detector->resolve("http://10.0.0.1/")) == V{"PROXY pac.proxy:1"});

    Fixture opted(parse_config("pac_url = http://pac.corp/proxy.pac\nno_proxy = <-loopback>\n", "proxy.conf"));
    opted.http->bodies["http://pac.corp/proxy.pac"] = "function FindProxyForURL(u,h){return 'PROXY pac.proxy:1';}";
    opted.pac->outcome = ok("PROXY pac.proxy:1");
    CHECK(pac_strings(opted.detector->resolve("http://127.0.0.1:8443/")) == V{"PROXY pac.proxy:1"});
    REQUIRE(opted.pac->seen.size() == 1);
    CHECK(opted.pac->seen[0].host == "127.0.0.1");

    // WPAD: a script anyone on the LAN can serve never gets localhost.
    Fixture w(Config{});
    w.net->domains = {"corp.example"};
    w.dns->names["wpad.corp.example"] = {"10.0.0.5"};
    w.http->bodies["http://wpad.corp.example/wpad.dat"] = "function FindProxyForURL(u,h){return 'PROXY evil:1';}";
    w.pac->outcome = ok("PROXY evil:1");
    d = w.detector->resolve("http://[::1]:631/");
    CHECK(pac_strings(d) == V{"DIRECT"});
    CHECK(w.pac->seen.empty());
    CHECK(pac_strings(w.detector->resolve("http://printer.corp.example/")) == V{"PROXY evil:1"});
}

// WPAD via DHCP (option 252, issue 17): the lease files of Linux's DHCP
// clients (tests/proxydetect/leases/), then the detector trying the URL a
// lease offers before any wpad.<domain> name.
TEST_CASE("detector: the PAC URL of a DHCP lease (option 252)", "[detector]") {
    struct Row {
        const char* file;
        std::optional<std::string> url;
        const char* why;
    };
    const std::vector<Row> rows = {
        {"dhclient.leases", "http://pac.corp.example.com/wpad.dat", "declared option wpad; the newest lease; \\000 dropped"},
        {"dhclient-undeclared.leases", "http://10.1.2.3/proxy.pac", "unknown-252 in hex, trailing NUL"},
        {"networkmanager-internal.lease", "https://pac.lab.example.org/proxy.pac", "key=value WPAD="},
        {"networkd-no-wpad.lease", std::nullopt, "a lease without option 252"},
        {"dhclient-not-a-url.leases", std::nullopt, "not an http(s) URL"},
    };
    for (const Row& r : rows) {
        INFO(r.file << ": " << r.why);
        std::ifstream f(std::string(PROXYDETECT_SOURCE_DIR) + "/tests/proxydetect/leases/" + r.file);
        REQUIRE(f);
        std::stringstream text;
        text << f.rdbuf();
        CHECK(wpad_url_from_lease(text.str()) == r.url);
    }
}

TEST_CASE("detector: WPAD tries the DHCP server's PAC URL before DNS names", "[detector]") {
    Fixture f(Config{});
    f.net->domains = {"corp.example.com"};
    f.net->dhcp_wpad = {"http://10.1.2.3/proxy.pac"};
    f.dns->names["wpad.corp.example.com"] = {"10.0.0.5"};
    f.http->bodies["http://10.1.2.3/proxy.pac"] = "function FindProxyForURL(u,h){return 'PROXY p:1';}";
    f.pac->outcome = ok("PROXY dhcpproxy:8080");
    auto d = f.detector->resolve("https://relay.example.com/");
    CHECK(pac_strings(d) == V{"PROXY dhcpproxy:8080"});
    REQUIRE(d.pac);
    CHECK(d.pac->origin == "WPAD (DHCP) http://10.1.2.3/proxy.pac");
    CHECK(f.dns->asked.empty());  // no wpad.* name was needed
    // The desktop's "no proxy" still wins over anything DHCP offers.
    f.desktop->settings.mode = SystemProxySettings::Mode::none;
    CHECK(pac_strings(f.detector->resolve("https://relay.example.com/")) == V{"DIRECT"});
}
