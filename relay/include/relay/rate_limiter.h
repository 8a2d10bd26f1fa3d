// Token buckets per source address and globally. Session creations are
// limited this way (they hold codes); joins go through JoinGuard, which
// builds on the same buckets.
#pragma once

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "relay/time_source.h"

namespace relay {

// `rate` tokens per second refill up to `burst`; one attempt takes one.
class TokenBucket {
public:
    TokenBucket(double rate_per_second, double burst, TimePoint now);
    // `n` a minute with a burst of n; n = 0: a bucket that never runs dry.
    static TokenBucket per_minute(double n, TimePoint now);
    bool available(TimePoint now);
    void take() { tokens_ -= 1.0; }
    void give_back() { tokens_ = std::min(burst_, tokens_ + 1.0); }
    // How long until one token is there (0 if one is there now).
    std::chrono::seconds wait_time(TimePoint now);
    bool full(TimePoint now);

private:
    void refill(TimePoint now);
    double rate_, burst_, tokens_;
    TimePoint last_;
};

struct RateLimits {
    double per_ip_per_minute = 10;   // 0: unlimited
    double global_per_minute = 120;  // 0: unlimited
};

struct Admission {
    bool allowed;
    std::chrono::seconds retry_after;  // when !allowed; at least 1 s
};

// The bucket an address counts against: IPv4 addresses as they are, IPv6
// addresses by their /64 (one subscriber usually holds a whole /64).
std::string rate_key(const std::string& address);

class RateLimiter {
public:
    // Above this many tracked addresses, admit() sweeps first (memory bound).
    static constexpr std::size_t kMaxTrackedAddresses = 100000;

    RateLimiter(const TimeSource& time, RateLimits limits);
    // Takes one token from the address's bucket and the global one, or none.
    Admission admit(const std::string& address);
    // Forgets addresses whose bucket is full again (bounds memory).
    void sweep();
    std::size_t tracked_addresses() const;

private:
    TokenBucket& bucket_for(const std::string& address, TimePoint now);
    void sweep_locked(TimePoint now);

    const TimeSource& time_;
    const RateLimits limits_;
    mutable std::mutex mutex_;
    TokenBucket global_;
    std::unordered_map<std::string, TokenBucket> per_ip_;
};

}  // namespace relay
