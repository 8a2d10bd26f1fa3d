// Options: command line beats TETHER_RELAY_* environment beats --config file.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "relay/options.h"
#include "relay_harness.h"

using namespace relay;

namespace {

Config parse(std::vector<const char*> args) {
    args.insert(args.begin(), "tether-relay");
    std::ostringstream out;
    auto c = parse_options(static_cast<int>(args.size()), args.data(), out);
    REQUIRE(c);
    return *c;
}

}  // namespace

TEST_CASE("defaults match docs/RELAY.md") {
    Config c = parse({});
    CHECK(c.listen_host == "0.0.0.0");
    CHECK(c.listen_port == 8443);
    CHECK(c.code_ttl == std::chrono::seconds(600));
    CHECK(c.grace == std::chrono::seconds(60));
    CHECK(c.heartbeat == std::chrono::milliseconds(2000));
    CHECK(c.buffer_bytes == 1u << 20);
    CHECK_FALSE(c.dev);
    CHECK(c.join_failures_per_ip == 10);
    CHECK(c.join_failures_per_prefix == 30);
    CHECK(c.join_alarm == 30);
    CHECK(c.long_code_digits == 9);
}

TEST_CASE("command line, then environment, then config file") {
    relay_test::TempDir dir;
    const std::string conf = dir.path() + "/relay.conf";
    std::ofstream(conf) << "# comment\ncode-ttl = 30\ngrace = 31\nheartbeat = 500\nlisten = 127.0.0.1:0\n";
    ::setenv("TETHER_RELAY_GRACE", "41", 1);
    ::setenv("TETHER_RELAY_HEARTBEAT", "700", 1);
    Config c = parse({"--config", conf.c_str(), "--heartbeat", "900"});
    ::unsetenv("TETHER_RELAY_GRACE");
    ::unsetenv("TETHER_RELAY_HEARTBEAT");
    CHECK(c.code_ttl == std::chrono::seconds(30));          // file
    CHECK(c.grace == std::chrono::seconds(41));             // environment beats file
    CHECK(c.heartbeat == std::chrono::milliseconds(900));   // command line beats both
    CHECK(c.listen_host == "127.0.0.1");
    CHECK(c.listen_port == 0);
}

TEST_CASE("--help answers and bad values are refused with a sentence") {
    std::ostringstream out;
    const char* help[] = {"tether-relay", "--help"};
    CHECK_FALSE(parse_options(2, help, out));
    CHECK(out.str().find("--code-ttl") != std::string::npos);
    const char* bad_port[] = {"tether-relay", "--listen", "1.2.3.4:99999"};
    CHECK_THROWS_AS(parse_options(3, bad_port, out), std::runtime_error);
    const char* bad_level[] = {"tether-relay", "--log-level", "loud"};
    CHECK_THROWS_AS(parse_options(3, bad_level, out), std::runtime_error);
    const char* bad_ttl[] = {"tether-relay", "--code-ttl", "-1"};
    CHECK_THROWS_AS(parse_options(3, bad_ttl, out), std::runtime_error);
    const char* unknown[] = {"tether-relay", "--frobnicate"};
    CHECK_THROWS_AS(parse_options(2, unknown, out), std::runtime_error);
    for (const char* digits : {"6", "10"}) {  // 7 to 9: longer than the short codes, within wire/session_code.h
        const char* bad_digits[] = {"tether-relay", "--long-code-digits", digits};
        CHECK_THROWS_AS(parse_options(3, bad_digits, out), std::runtime_error);
    }
    const char* old_option[] = {"tether-relay", "--join-rate-global", "120"};  // gone: it locked customers out
    CHECK_THROWS_AS(parse_options(3, old_option, out), std::runtime_error);
}

TEST_CASE("the bounds' defaults match docs/RELAY.md and can be set") {
    Config c = parse({});
    CHECK(c.max_sessions == 0);  // derived from the open-file limit
    CHECK(c.max_line_bytes == 8192);
    CHECK(c.max_headers == 100);
    CHECK(c.max_head_bytes == 32768);
    CHECK(c.head_timeout == std::chrono::seconds(10));
    CHECK(c.min_body_rate == 4096);
    CHECK(c.max_body_bytes == (1u << 20) + 64 * 1024);
    CHECK(c.max_conns_per_ip == 256);
    CHECK(c.max_unauthenticated == 1024);
    CHECK(c.io_threads == 0);
    Config d = parse({"--max-headers", "20", "--head-timeout", "3", "--max-conns-per-ip", "0", "--io-threads", "4"});
    CHECK(d.max_headers == 20);
    CHECK(d.head_timeout == std::chrono::seconds(3));
    CHECK(d.max_conns_per_ip == 0);
    CHECK(d.io_threads == 4);
    std::ostringstream out;
    const char* zero_timeout[] = {"tether-relay", "--head-timeout", "0"};
    CHECK_THROWS_AS(parse_options(3, zero_timeout, out), std::runtime_error);
}

TEST_CASE("relay.conf: the shipped example loads; '#' inside a value is kept; unknown keys name FILE:LINE") {
    Config shipped = parse({"--config", TETHER_SOURCE_DIR "/conf/relay.conf"});
    CHECK(shipped.code_ttl == std::chrono::seconds(600));
    CHECK(shipped.listen_port == 8443);

    relay_test::TempDir dir;
    const std::string conf = dir.path() + "/relay.conf";
    std::ofstream(conf) << "# the state directory's name has a '#'\nstate_dir = /var/lib/relay#1\n";
    CHECK(parse({"--config", conf.c_str()}).state_dir == "/var/lib/relay#1");

    std::ofstream(conf) << "code-ttl = 30\ncode-tll = 31\n";
    std::ostringstream out;
    std::vector<const char*> args = {"tether-relay", "--config", conf.c_str()};
    CHECK_THROWS_WITH(parse_options(static_cast<int>(args.size()), args.data(), out),
                      Catch::StartsWith(conf + ":2: unknown key 'code-tll' (valid keys: listen, ") &&
                          Catch::Contains("code_ttl"));
}
