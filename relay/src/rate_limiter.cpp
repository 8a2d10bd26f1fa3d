#include "relay/rate_limiter.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <cmath>

namespace relay {
namespace {

// A rate of 0 means "unlimited": a bucket that never runs dry.
constexpr double kUnlimited = 1e12;

double per_second(double per_minute) { return per_minute > 0 ? per_minute / 60.0 : kUnlimited; }
double burst_of(double per_minute) { return per_minute > 0 ? std::max(1.0, per_minute) : kUnlimited; }

}  // namespace

std::string rate_key(const std::string& address) {
    in6_addr a{};
    if (address.find(':') == std::string::npos || inet_pton(AF_INET6, address.c_str(), &a) != 1) return address;
    if (IN6_IS_ADDR_V4MAPPED(&a)) return address;
    std::memset(a.s6_addr + 8, 0, 8);  // one /64 = one subscriber
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a, buf, sizeof buf);
    return std::string(buf) + "/64";
}

TokenBucket::TokenBucket(double rate_per_second, double burst, TimePoint now)
    : rate_(rate_per_second), burst_(burst), tokens_(burst), last_(now) {}

TokenBucket TokenBucket::per_minute(double n, TimePoint now) { return TokenBucket(per_second(n), burst_of(n), now); }

void TokenBucket::refill(TimePoint now) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    if (elapsed > 0) tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = std::max(last_, now);
}

bool TokenBucket::available(TimePoint now) {
    refill(now);
    return tokens_ >= 1.0;
}

std::chrono::seconds TokenBucket::wait_time(TimePoint now) {
    refill(now);
    if (tokens_ >= 1.0) return std::chrono::seconds(0);
    return std::chrono::seconds(static_cast<long>(std::ceil((1.0 - tokens_) / rate_)));
}

bool TokenBucket::full(TimePoint now) {
    refill(now);
    return tokens_ >= burst_;
}

RateLimiter::RateLimiter(const TimeSource& time, RateLimits limits)
    : time_(time), limits_(limits),
      global_(TokenBucket::per_minute(limits.global_per_minute, time.now())) {}

TokenBucket& RateLimiter::bucket_for(const std::string& address, TimePoint now) {
    auto it = per_ip_.find(address);
    if (it == per_ip_.end())
        it = per_ip_.emplace(address, TokenBucket::per_minute(limits_.per_ip_per_minute, now)).first;
    return it->second;
}

Admission RateLimiter::admit(const std::string& address) {
    std::lock_guard<std::mutex> lock(mutex_);
    const TimePoint now = time_.now();
    // Global first: while it refuses, no per-address bucket is created, so a
    // flood from many addresses cannot grow the table.
    if (!global_.available(now)) return {false, std::max(global_.wait_time(now), std::chrono::seconds(1))};
    if (per_ip_.size() >= kMaxTrackedAddresses) sweep_locked(now);
    TokenBucket& mine = bucket_for(rate_key(address), now);
    const bool ok = mine.available(now);
    if (ok) {
        mine.take();
        global_.take();
        return {true, std::chrono::seconds(0)};
    }
    auto wait = std::max(mine.wait_time(now), global_.wait_time(now));
    return {false, std::max(wait, std::chrono::seconds(1))};
}

void RateLimiter::sweep() {
    std::lock_guard<std::mutex> lock(mutex_);
    sweep_locked(time_.now());
}

void RateLimiter::sweep_locked(TimePoint now) {
    for (auto it = per_ip_.begin(); it != per_ip_.end();)
        it = it->second.full(now) ? per_ip_.erase(it) : std::next(it);
}

std::size_t RateLimiter::tracked_addresses() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return per_ip_.size();
}

}  // namespace relay
