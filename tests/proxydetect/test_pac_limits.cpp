// A hostile or broken PAC costs at most the limits: endless loop, huge
// allocation, syntax error. Each gives a clear error, and the detector
// honours fail-open / fail-closed. Timing is asserted only where time is
// the limit (slow DNS inside the wall budget).
#include <catch2/catch.hpp>

#include "detector_fixture.h"
#include "proxydetect/config.h"
#include "proxydetect/fakes.h"
#include "proxydetect/pac.h"
#include "bounded_resolver.h"  // proxydetect/src: the real resolver with an injected lookup

#include <thread>

using namespace proxydetect;

namespace {

// Tight limits keep the test short; the wall budget is a cap, not an assert.
PacLimits test_limits() {
    PacLimits l;
    l.wall = std::chrono::milliseconds(3000);
    l.cpu = std::chrono::seconds(1);
    l.heap_bytes = 32u << 20;
    return l;
}

PacOutcome run(const std::string& script) {
    auto pac = make_helper_evaluator(PAC_EVAL_PATH, test_limits());
    fake::Resolver dns;
    PacRequest r;
    r.script = script;
    r.url = "http://a/";
    r.host = "a";
    return pac->evaluate(r, dns);
}

const char* const kEndless = "function FindProxyForURL(u, h) { while (true) {} }";
const char* const kHuge =
    "function FindProxyForURL(u, h) { var s = 'x'; while (true) { s = s + s; } }";
const char* const kArrays =
    "function FindProxyForURL(u, h) { var s = 'y', a = [];\n"
    "  for (var i = 0; i < 20; i++) s += s;  /* 1 MiB */\n"
    "  while (true) a.push(s + a.length); }";
const char* const kSyntax = "function FindProxyForURL(u, h) { return 'DIRECT' ";

}  // namespace

TEST_CASE("PAC: an endless loop is stopped with a clear error", "[pac_limits]") {
    auto o = run(kEndless);
    CHECK_FALSE(o.ok);
    INFO(o.error);
    bool cpu = o.error.find("CPU limit") != std::string::npos;
    bool wall = o.error.find("did not finish within") != std::string::npos;
    CHECK((cpu || wall));
    REQUIRE_FALSE(o.events.empty());
    CHECK(o.events.back().kind == PacEvent::Kind::error);
}

TEST_CASE("PAC: huge allocations hit the memory limit", "[pac_limits]") {
    for (const char* script : {kHuge, kArrays}) {
        auto o = run(script);
        CHECK_FALSE(o.ok);
        INFO(o.error);
        CHECK(o.error.find("memory limit") != std::string::npos);
    }
}

TEST_CASE("PAC: a syntax error is reported as such", "[pac_limits]") {
    auto o = run(kSyntax);
    CHECK_FALSE(o.ok);
    CHECK(o.error.find("script error: SyntaxError") != std::string::npos);
}

TEST_CASE("PAC: other broken scripts", "[pac_limits]") {
    CHECK(run("var x = 1;").error.find("defines no FindProxyForURL") != std::string::npos);
    CHECK(run("function FindProxyForURL(u,h){ return 42; }").error.find("not a string") != std::string::npos);
    CHECK(run("function FindProxyForURL(u,h){ throw new Error('boom'); }").error.find("boom") != std::string::npos);
}

TEST_CASE("PAC: a missing helper says what to do", "[pac_limits]") {
    auto pac = make_helper_evaluator("/nonexistent/tether-pac-eval", test_limits());
    fake::Resolver dns;
    auto o = pac->evaluate(PacRequest{"function FindProxyForURL(){return 'DIRECT';}", "http://a/", "a", {}, {}}, dns);
    CHECK_FALSE(o.ok);
    CHECK(o.error.find("tether-pac-eval") != std::string::npos);
}

TEST_CASE("PAC failures honour on_detection_failure", "[pac_limits]") {
    for (const char* script : {kEndless, kHuge, kSyntax}) {
        INFO(script);
        SECTION(std::string("fail-open: ") + script) {
            pdtest::Fixture f(parse_config("pac_file = /p.pac\n", "proxy.conf"), {},
                              make_helper_evaluator(PAC_EVAL_PATH, test_limits()));
            f.files->files["/p.pac"] = script;
            auto d = f.detector->resolve("https://relay.example.com/");
            CHECK(pdtest::pac_strings(d) == std::vector<std::string>{"DIRECT"});
            REQUIRE(d.pac);
            CHECK_FALSE(d.pac->outcome.ok);
        }
        SECTION(std::string("fail-closed: ") + script) {
            pdtest::Fixture f(parse_config("pac_file = /p.pac\non_detection_failure = fail\n", "proxy.conf"), {},
                              make_helper_evaluator(PAC_EVAL_PATH, test_limits()));
            f.files->files["/p.pac"] = script;
            auto d = f.detector->resolve("https://relay.example.com/");
            CHECK(d.blocked());
            CHECK(d.failure.find("on_detection_failure = fail") != std::string::npos);
        }
    }
}

TEST_CASE("PAC: a 128 KiB alert() is cut, not fatal", "[pac_limits]") {
    auto o = run("function FindProxyForURL(u, h) { alert(new Array(131073).join('x')); return 'PROXY a:1'; }");
    INFO(o.error);
    REQUIRE(o.ok);
    CHECK(o.result == "PROXY a:1");
    REQUIRE(o.events.size() == 1);
    CHECK(o.events[0].kind == PacEvent::Kind::alert);
    CHECK(o.events[0].text == std::string(4096, 'x') + "... (cut: 131072 bytes)");
}

namespace {
// A DNS server that answers nothing for 1.5 s: each lookup stays under the
// resolver's own 2 s cap, but three of them are 4.5 s.
std::vector<std::string> slow_lookup(const std::string&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return {};
}
}  // namespace

TEST_CASE("PAC: slow DNS lookups do not stretch the wall budget", "[pac_limits]") {
    PacLimits limits = test_limits();
    limits.wall = std::chrono::milliseconds(2500);
    auto pac = make_helper_evaluator(PAC_EVAL_PATH, limits);
    BoundedResolver dns({}, slow_lookup);
    PacRequest r;
    r.script = "function FindProxyForURL(u, h) { dnsResolve('a.test'); dnsResolve('b.test');\n"
               "  dnsResolve('c.test'); return 'DIRECT'; }";
    r.url = "http://a/";
    r.host = "a";
    auto o = pac->evaluate(r, dns);
    CHECK_FALSE(o.ok);
    CHECK(o.error == "PAC script did not finish within 2500 ms (endless loop or slow DNS?); it was stopped");
    CHECK(o.elapsed < std::chrono::milliseconds(3200));  // the budget, plus a loaded machine's slack
}
