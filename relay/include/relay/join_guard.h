// Join attempts against code guessing (docs/SECURITY.md, "Code guessing"),
// built so that it never refuses a customer for what other addresses do:
// - Each source address and its prefix (IPv4 /24, IPv6 /56) has a budget of
//   FAILED joins (token buckets). A join takes a token from both before its
//   code is looked at and gets them back if the code was right; an empty
//   budget refuses the attempt (429) without looking at the code, so a
//   refusal says nothing about whether the code was live.
// - Failed joins in total feed an alarm bucket. When it runs dry the guard
//   goes up for `hold` past the last failure over the alarm rate: new codes
//   get `long_digits` digits, and a short code is only tried from a source
//   (address and prefix) without a failed join in the last `memory`.
// Thread-safe. Addresses only: codes never enter this class.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "relay/rate_limiter.h"
#include "relay/time_source.h"
#include "wire/session_code.h"

namespace relay {

struct GuardLimits {
    double failures_per_ip = 10;      // failed joins per minute per address (burst as many); 0: unlimited
    double failures_per_prefix = 30;  // per /24 or /56; 0: unlimited
    double alarm_per_minute = 30;     // failed joins per minute in total (burst as many) that raise the guard; 0: always up
    std::chrono::seconds hold{600};   // the guard stays up this long after the alarm (default: the code lifetime)
    std::chrono::seconds memory{600}; // a failure bars its source from short codes this long (>= the code lifetime)
    std::size_t long_digits = 9;      // digits of codes created while the guard is up
};

// Why an attempt was refused (each a counter and a log reason).
enum class GuardRefusal { none, address, prefix, short_code, full };

struct GuardAdmission {
    GuardRefusal refused = GuardRefusal::none;
    std::chrono::seconds retry_after{0};  // when refused: at least 1 s
    bool allowed() const { return refused == GuardRefusal::none; }
};

// The prefix a source address counts in: IPv4 (also IPv4-mapped IPv6) by its
// /24, IPv6 by its /56 (what one subscriber or one small network holds).
std::string prefix_key(const std::string& address);

class JoinGuard {
public:
    // Sources tracked at most (addresses and prefixes): ~100 bytes each. When
    // full even after a sweep, unknown sources are refused (`full`) rather
    // than let a guess go uncounted.
    static constexpr std::size_t kMaxTracked = 200000;

    JoinGuard(const TimeSource& time, GuardLimits limits);
    // Before the code is looked at: takes a token from the address's and the
    // prefix's budgets, or refuses. `short_code`: the code has 6 digits.
    GuardAdmission admit(const std::string& address, bool short_code);
    // After admit(): the code was right; the tokens go back.
    void succeeded(const std::string& address);
    // After admit(): the code was wrong. True if this failure raised the guard
    // (it was down).
    bool failed(const std::string& address);
    bool raised();
    std::size_t code_digits();  // for a code created now
    // Forgets sources with full budgets and no failure within `memory`.
    // True if the guard went down since the last call.
    bool sweep();
    std::size_t tracked() const;

private:
    struct Source {
        TokenBucket budget;
        TimePoint last_failure;
    };
    Source* find(const std::string& key);
    Source& source(const std::string& key, double per_minute, TimePoint now);
    GuardAdmission check(Source* s, GuardRefusal why, bool short_code, TimePoint now);
    bool raised_locked(TimePoint now) const;
    void sweep_locked(TimePoint now);

    const TimeSource& time_;
    const GuardLimits limits_;
    mutable std::mutex mutex_;
    TokenBucket alarm_;
    TimePoint raised_until_;
    bool was_raised_ = false;  // as last reported by sweep()/failed()
    std::unordered_map<std::string, Source> sources_;  // rate_key() and prefix_key() strings
};

}  // namespace relay
