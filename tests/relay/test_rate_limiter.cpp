// RateLimiter: token buckets per source address and globally, fake clock.
#include <catch2/catch.hpp>

#include "relay/rate_limiter.h"

using namespace relay;
using namespace std::chrono_literals;

TEST_CASE("an address gets its burst, then waits for the refill") {
    FakeTime time;
    RateLimiter limiter(time, {6, 0});  // 6 per minute: one every 10 s
    for (int i = 0; i < 6; ++i) CHECK(limiter.admit("10.0.0.1").allowed);
    Admission refused = limiter.admit("10.0.0.1");
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after == 10s);
    time.advance(5s);
    CHECK(limiter.admit("10.0.0.1").retry_after == 5s);
    time.advance(5s);
    CHECK(limiter.admit("10.0.0.1").allowed);
    CHECK_FALSE(limiter.admit("10.0.0.1").allowed);
}

TEST_CASE("addresses are limited independently") {
    FakeTime time;
    RateLimiter limiter(time, {2, 0});
    CHECK(limiter.admit("a").allowed);
    CHECK(limiter.admit("a").allowed);
    CHECK_FALSE(limiter.admit("a").allowed);
    CHECK(limiter.admit("b").allowed);
}

TEST_CASE("the global bucket limits all addresses together") {
    FakeTime time;
    RateLimiter limiter(time, {0, 3});
    CHECK(limiter.admit("a").allowed);
    CHECK(limiter.admit("b").allowed);
    CHECK(limiter.admit("c").allowed);
    Admission refused = limiter.admit("d");
    CHECK_FALSE(refused.allowed);
    CHECK(refused.retry_after == 20s);
}

TEST_CASE("a refused attempt consumes nothing") {
    FakeTime time;
    RateLimiter limiter(time, {1, 2});
    CHECK(limiter.admit("a").allowed);
    CHECK_FALSE(limiter.admit("a").allowed);  // a's bucket is empty: global untouched
    CHECK(limiter.admit("b").allowed);
    CHECK_FALSE(limiter.admit("c").allowed);  // global empty
}

TEST_CASE("zero means unlimited") {
    FakeTime time;
    RateLimiter limiter(time, {0, 0});
    for (int i = 0; i < 10000; ++i) REQUIRE(limiter.admit("a").allowed);
}

TEST_CASE("sweep forgets addresses whose bucket refilled") {
    FakeTime time;
    RateLimiter limiter(time, {6, 0});
    limiter.admit("a");
    limiter.admit("b");
    CHECK(limiter.tracked_addresses() == 2);
    limiter.sweep();
    CHECK(limiter.tracked_addresses() == 2);
    time.advance(10s);
    limiter.sweep();
    CHECK(limiter.tracked_addresses() == 0);
}

TEST_CASE("IPv6 addresses count by their /64, IPv4 by the address") {
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"192.0.2.7", "192.0.2.7"},
        {"2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
        {"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
        {"::ffff:192.0.2.7", "::ffff:192.0.2.7"},
        {"not an address", "not an address"},
    };
    for (auto& [address, key] : rows) CHECK(rate_key(address) == key);
    FakeTime time;
    RateLimiter limiter(time, {1, 0});
    CHECK(limiter.admit("2001:db8::1").allowed);
    CHECK_FALSE(limiter.admit("2001:db8::2").allowed);  // same /64
    CHECK(limiter.admit("2001:db8:0:1::1").allowed);    // another /64
}

TEST_CASE("while the global bucket refuses, no address is tracked") {
    FakeTime time;
    RateLimiter limiter(time, {5, 1});
    CHECK(limiter.admit("a").allowed);
    for (int i = 0; i < 1000; ++i) CHECK_FALSE(limiter.admit("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250)).allowed);
    CHECK(limiter.tracked_addresses() == 1);
}
