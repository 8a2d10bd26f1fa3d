// JoinGuard (docs/SECURITY.md "Code guessing"): budgets of failed joins per
// address and prefix, the alarm that makes new codes long, and the bar on
// short codes while it is up. Fake clock; one row or case per rule.
#include <catch2/catch.hpp>

#include "relay/join_guard.h"

using namespace relay;
using namespace std::chrono_literals;

namespace {

GuardLimits limits(double per_ip, double per_prefix, double alarm) {
    GuardLimits l;
    l.failures_per_ip = per_ip;
    l.failures_per_prefix = per_prefix;
    l.alarm_per_minute = alarm;
    return l;  // hold and memory 600 s, long codes 9 digits
}

// One join attempt with a wrong code: admitted and charged, or refused.
GuardRefusal guess(JoinGuard& g, const std::string& address, bool short_code = true) {
    GuardAdmission a = g.admit(address, short_code);
    if (a.allowed()) g.failed(address);
    return a.refused;
}

}  // namespace

TEST_CASE("prefixes: IPv4 and IPv4-mapped by /24, IPv6 by /56") {
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"192.0.2.7", "192.0.2.0/24"},
        {"192.0.2.255", "192.0.2.0/24"},
        {"::ffff:192.0.2.7", "192.0.2.0/24"},
        {"2001:db8:1:2ff:aaaa::1", "2001:db8:1:200::/56"},
        {"2001:db8:1:200::1", "2001:db8:1:200::/56"},
        {"2001:db8:1:300::1", "2001:db8:1:300::/56"},
    };
    for (auto& [address, key] : rows) CHECK(prefix_key(address) == key);
}

TEST_CASE("an address's failed joins are limited; right codes cost nothing") {
    FakeTime time;
    JoinGuard g(time, limits(3, 0, 1000));
    for (int i = 0; i < 10; ++i) {  // right codes: tokens go back
        REQUIRE(g.admit("10.0.0.1", true).allowed());
        g.succeeded("10.0.0.1");
    }
    for (int i = 0; i < 3; ++i) CHECK(guess(g, "10.0.0.1") == GuardRefusal::none);
    GuardAdmission refused = g.admit("10.0.0.1", true);  // whatever the code: not looked at
    CHECK(refused.refused == GuardRefusal::address);
    CHECK(refused.retry_after == 20s);  // 3 a minute: one every 20 s
    CHECK(g.admit("10.0.0.2", true).allowed());  // another address
    time.advance(20s);
    CHECK(guess(g, "10.0.0.1") == GuardRefusal::none);
    CHECK(guess(g, "10.0.0.1") == GuardRefusal::address);
}

TEST_CASE("addresses of one /24 share its budget; other /24s do not") {
    FakeTime time;
    JoinGuard g(time, limits(10, 4, 1000));
    for (int i = 1; i <= 4; ++i) CHECK(guess(g, "10.0.0." + std::to_string(i)) == GuardRefusal::none);
    CHECK(guess(g, "10.0.0.9") == GuardRefusal::prefix);
    CHECK(guess(g, "10.0.1.1") == GuardRefusal::none);
}

TEST_CASE("a refused attempt takes no token and adds no source") {
    FakeTime time;
    JoinGuard g(time, limits(1, 0, 1000));
    CHECK(guess(g, "10.0.0.1") == GuardRefusal::none);
    const std::size_t tracked = g.tracked();
    for (int i = 0; i < 100; ++i) CHECK(guess(g, "10.0.0.1") == GuardRefusal::address);
    CHECK(g.tracked() == tracked);
    time.advance(60s);  // one token back, not minus 100
    CHECK(guess(g, "10.0.0.1") == GuardRefusal::none);
}

TEST_CASE("failed joins over the alarm raise the guard: long codes until `hold` after the last") {
    FakeTime time;
    JoinGuard g(time, limits(0, 0, 3));  // 3 a minute, burst 3
    CHECK(g.code_digits() == 6);
    for (int i = 0; i < 3; ++i) {
        REQUIRE(g.admit("10.0.0.1", true).allowed());
        CHECK_FALSE(g.failed("10.0.0.1"));  // within the alarm's burst
    }
    REQUIRE(g.admit("10.0.0.1", true).allowed());
    CHECK(g.failed("10.0.0.1"));  // the 4th raises it (reported once)
    CHECK(g.code_digits() == 9);
    time.advance(300s);
    REQUIRE(g.admit("10.0.0.1", false).allowed());
    CHECK_FALSE(g.failed("10.0.0.1"));  // the alarm refilled meanwhile: no extension
    time.advance(299s);
    CHECK_FALSE(g.sweep());
    CHECK(g.raised());
    time.advance(1s);  // 600 s after the failure that raised it
    CHECK_FALSE(g.raised());
    CHECK(g.code_digits() == 6);
    CHECK(g.sweep());        // went down: reported once
    CHECK_FALSE(g.sweep());
}

TEST_CASE("alarm 0: the guard is always up") {
    FakeTime time;
    JoinGuard g(time, limits(10, 30, 0));
    CHECK(g.raised());
    CHECK(g.code_digits() == 9);
    CHECK_FALSE(g.failed("10.0.0.1"));  // never "raised": it never went down
}

TEST_CASE("guard up: a source with a recent failure may not try short codes, long ones it may") {
    FakeTime time;
    JoinGuard g(time, limits(10, 30, 1));
    CHECK(guess(g, "10.0.0.1") == GuardRefusal::none);   // before the guard: marks 10.0.0.1 and 10.0.0.0/24
    CHECK(guess(g, "10.9.0.1") == GuardRefusal::none);   // raises it (alarm burst 1)
    REQUIRE(g.raised());
    GuardAdmission a = g.admit("10.0.0.1", true);
    CHECK(a.refused == GuardRefusal::short_code);
    CHECK(a.retry_after == 600s);
    CHECK(g.admit("10.0.0.77", true).refused == GuardRefusal::short_code);  // same /24
    CHECK(g.admit("10.0.0.1", false).allowed());                            // a 9-digit code: its budget only
    g.succeeded("10.0.0.1");
    CHECK(g.admit("10.5.5.5", true).allowed());  // a customer elsewhere with an old 6-digit code
    g.succeeded("10.5.5.5");
    CHECK(guess(g, "10.6.6.6") == GuardRefusal::none);  // a fresh source: one short guess...
    CHECK(guess(g, "10.6.6.7") == GuardRefusal::short_code);  // ...per /24 per code lifetime
    time.advance(600s);
    CHECK(g.admit("10.6.6.7", true).refused == GuardRefusal::none);
}

TEST_CASE("guard down: a recent failure does not bar short codes (typos)") {
    FakeTime time;
    JoinGuard g(time, limits(10, 30, 1000));
    CHECK(guess(g, "10.0.0.1") == GuardRefusal::none);
    CHECK(g.admit("10.0.0.1", true).allowed());
}

TEST_CASE("sweep forgets sources with full budgets and no failure within memory") {
    FakeTime time;
    JoinGuard g(time, limits(10, 30, 1000));
    REQUIRE(g.admit("10.0.0.1", true).allowed());
    g.succeeded("10.0.0.1");
    CHECK(guess(g, "10.0.1.1") == GuardRefusal::none);
    CHECK(g.tracked() == 4);
    g.sweep();
    CHECK(g.tracked() == 2);  // the customer's address and /24 went at once
    time.advance(599s);
    g.sweep();
    CHECK(g.tracked() == 2);  // the guesser's are remembered for `memory`
    time.advance(1s);
    g.sweep();
    CHECK(g.tracked() == 0);
}

TEST_CASE("1,000 guessing addresses over 250 /24s for a code's life: guesses stay within the derived bound") {
    FakeTime time;
    JoinGuard g(time, GuardLimits{});  // the defaults
    long short_guesses = 0, long_guesses = 0;
    for (int second = 0; second < 600; ++second) {
        for (int a = 0; a < 1000; ++a) {  // every address tries both lengths every second
            const std::string address = "10.0." + std::to_string(a / 4) + "." + std::to_string(a % 4 + 1);
            if (guess(g, address, true) == GuardRefusal::none) ++short_guesses;
            if (guess(g, address, false) == GuardRefusal::none) ++long_guesses;
        }
        time.advance(1s);
    }
    // docs/SECURITY.md: short codes alive when the attack starts get at most
    // the alarm's burst (30) plus one guess per /24 (250); long codes at most
    // per prefix 30 + 30 a minute for 10 minutes (330 x 250 = 82,500).
    CHECK(short_guesses <= 30 + 250);
    CHECK(long_guesses <= 330 * 250);
    CHECK(short_guesses / 1e6 <= 0.001);
    CHECK(long_guesses / 1e9 <= 0.001);
    WARN("short guesses " << short_guesses << ", long guesses " << long_guesses);
}
