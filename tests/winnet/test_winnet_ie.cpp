// Proxy discovery on Windows, end to end under wine: the user's Internet
// Options (as WinHTTP reads them) name a PAC script, a fixed proxy or
// nothing; winnet_e2e.exe --detect then plans routes with proxydetect and
// runs a real session, and tether-proxydetect.exe explains the decision in
// the Linux tool's words. Asserts the route chosen, the bytes, and what
// squid saw. These tests change the wine prefix's registry, so they run in
// a prefix of their own (WINE_PREFIX_IE, ~20 s to create once) and one at a
// time (ctest RESOURCE_LOCK), never in the prefix the other tests share.
#include <catch2/catch.hpp>

#include "support/file_server.h"
#include "support/proxy_conf.h"
#include "support/temp_dir.h"
#include "support/wine_internet_options.h"
#include "winnet_fixture.h"

using namespace test_support;
using namespace winnet_test;

namespace {

// The Internet Options of WINE_PREFIX_IE (tests/support/wine_internet_options.h).
void ie_options(unsigned flags, const std::string& proxy = "", const std::string& bypass = "",
                          const std::string& script = "") {
    test_support::set_internet_options(WINE_RUN, WINE_PREFIX_IE, flags, proxy, bypass, script);
}

Run detect_run(const Relay& relay, const std::vector<std::string>& more) {
    return run_exe(relay_args(relay) + std::vector<std::string>{"--detect"} + more, WINNET_E2E_EXE, WINE_PREFIX_IE);
}

Run explain(const std::vector<std::string>& args) { return run_exe(args, PROXYDETECT_EXE, WINE_PREFIX_IE); }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("winnet: a PAC script from the Internet Options names the proxy; the session goes through it", "[ie_pac]") {
    Relay relay;
    Squid squid(squid_options());
    const std::string proxy = "127.0.0.1:" + std::to_string(squid.port());
    FileServer pac({{"/proxy.pac", "function FindProxyForURL(url, host) {\n"
                                   "  if (host == 'localhost') return 'PROXY " + proxy + "; DIRECT';\n"
                                   "  return 'DIRECT';\n}\n"}});
    ie_options(kIeScript, "", "", pac.url("/proxy.pac"));
    const std::string origin = "PAC (Windows (WinHTTP) PAC " + pac.url("/proxy.pac") + ")";
    // The relay is localhost: without <-loopback> in proxy.conf the implicit
    // bypass sends it DIRECT and the script is never asked.
    TempDir dir("tether-ie-pac");
    const std::string plain = dir.write("plain.conf", "wpad = no\n");
    Run implicit = explain({"explain", relay.url("localhost"), "-c", plain});
    CHECK(has(implicit.out, "[PAC] bypass: implicit bypass: localhost is a loopback or link-local host (rule "
                            "'localhost'); add <-loopback> to no_proxy in " + plain + " to send it through the proxy"));
    CHECK(has(implicit.out, "  1. DIRECT   (from PAC implicit bypass 'localhost')"));
    CHECK(pac.seen().empty());
    const std::string conf = dir.write("proxy.conf", loopback_proxy_conf(""));

    Run r = detect_run(relay, {"--proxy-conf", conf, "--scenario", "frames"});
    CHECK(has(r.out, "ROUTE 1: PROXY " + proxy + " (from " + origin + ")\n"));
    CHECK(has(r.out, "OK route: PROXY " + proxy + " (from " + origin + ")\n"));
    check_frames_ok(r, "stream mode through proxy " + proxy);
    check_connects(connect_lines(squid), relay, 7);
    // Downloaded by proxydetect (Tether's User-Agent), then run by WinHTTP.
    auto seen = pac.seen();
    REQUIRE(!seen.empty());
    CHECK(has(seen.front(), "GET /proxy.pac 200 UA Tether/"));

    Run e = explain({"explain", relay.url("localhost"), "-c", conf});
    CHECK(e.code == 0);
    CHECK(has(e.out, "\nPAC evaluation: Windows (WinHTTP) PAC " + pac.url("/proxy.pac") + "\n  FindProxyForURL(\"" +
                         relay.url("localhost") + "\", \"localhost\")\n"));
    CHECK(has(e.out, "  returned: \"PROXY " + proxy + "\"\n"));
    CHECK(has(e.out, "\nCandidates, in the order they will be tried:\n  1. PROXY " + proxy + "   (from " + origin +
                         ")\n     proxy auth: negotiate, ntlm, digest; single sign-on (no user configured)\n"));

    // A script that cannot be loaded: detection failed, fail-open to DIRECT.
    ie_options(kIeScript, "", "", pac.url("/missing.pac"));
    Run fallback = detect_run(relay, {"--proxy-conf", conf, "--scenario", "create"});
    CHECK(fallback.code == 0);
    CHECK(has(fallback.out, "OK route: DIRECT (from fallback: detection failed, on_detection_failure = direct)\n"));
    Run why = explain({"explain", relay.url("localhost"), "-c", conf});
    CHECK(has(why.out, "[PAC] error: cannot fetch " + pac.url("/missing.pac") + ": HTTP status 404\n"));
}

TEST_CASE("winnet: a fixed proxy in the Internet Options, its bypass list, and proxy.conf after them", "[ie_manual]") {
    Relay relay;
    Squid squid(squid_options());
    const std::string proxy = "127.0.0.1:" + std::to_string(squid.port());
    TempDir dir("tether-ie");
    std::string conf = dir.write("proxy.conf", "proxy = http://127.0.0.1:9\n");  // nothing listens on port 9

    // The relay is localhost: the implicit bypass sends it DIRECT past the
    // Internet Options' proxy unless their bypass list says <-loopback>.
    ie_options(kIeFixedProxy, proxy, "*.corp.test");
    Run implicit = explain({"explain", relay.url("localhost"), "-c", conf});
    CHECK(has(implicit.out, "[Windows (WinHTTP)] bypass: implicit bypass: localhost is a loopback or link-local host "
                            "(rule 'localhost'); add <-loopback> to the bypass list of Windows (WinHTTP) or to "
                            "no_proxy in " + conf + " to send it through the proxy"));
    CHECK(has(implicit.out, "  1. DIRECT   (from Windows (WinHTTP) implicit bypass 'localhost')"));

    // Internet Options first: their proxy wins over proxy.conf's.
    ie_options(kIeFixedProxy, proxy, std::string("*.corp.test;") + kLoopbackOptOut);
    Run r = detect_run(relay, {"--proxy-conf", conf, "--scenario", "frames"});
    CHECK(has(r.out, "OK route: PROXY " + proxy + " (from Windows proxy setting)\n"));
    check_frames_ok(r, "stream mode through proxy " + proxy);
    check_connects(connect_lines(squid), relay, 7);
    Run e = explain({"explain", relay.url("localhost"), "-c", conf});
    CHECK(has(e.out, "[Windows (WinHTTP)] used: Internet Options: automatic detection off, script '', proxy '" +
                         proxy + "', bypass '*.corp.test;<-loopback>'\n"));
    CHECK(has(e.out, "[proxy.conf] skipped: an earlier source decided\n"));

    // <local> in the bypass list: plain host names go DIRECT.
    ie_options(kIeFixedProxy, proxy, "*.corp.test;<local>");
    Run bypass = explain({"explain", relay.url("localhost")});
    CHECK(has(bypass.out, "[Windows (WinHTTP)] bypass: ignore-hosts rule '<local>' matches: DIRECT\n"));

    // Nothing in the Internet Options: proxy.conf decides, as on Linux
    // (its <-loopback> lets its proxy have localhost).
    ie_options(kIeDirect);
    conf = dir.write("proxy.conf", loopback_proxy_conf("proxy = http://127.0.0.1:9\n"));
    Run none = explain({"explain", relay.url("localhost"), "-c", conf});
    CHECK(has(none.out, "[Windows (WinHTTP)] not configured: Internet Options: automatic detection off, script '', "
                        "proxy '', bypass '': no proxy\n"));  // the desktop's word: no WPAD either (issue 17)
    CHECK(has(none.out, "[WPAD] not configured: automatic detection is off in the system settings\n"));
    CHECK(has(none.out, "  1. PROXY 127.0.0.1:9   (from "));
}
