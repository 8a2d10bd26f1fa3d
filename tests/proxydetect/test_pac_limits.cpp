// A hostile or broken PAC costs at most the limits: endless loop, huge
// allocation, syntax error. Each gives a clear error, and the detector
// honours fail-open / fail-closed. No timing asserts: only outcomes.
#include <catch2/catch.hpp>

#include "detector_fixture.h"
#include "proxydetect/config.h"
#include "proxydetect/fakes.h"
#include "proxydetect/pac.h"

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
