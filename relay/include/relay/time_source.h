// Time for the session rules (code expiry, grace periods, rate limits),
// injected so that tests move time by hand instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>

namespace relay {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;

class TimeSource {
public:
    virtual ~TimeSource() = default;
    virtual TimePoint now() const = 0;
};

class SteadyTime : public TimeSource {
public:
    TimePoint now() const override { return SteadyClock::now(); }
};

// Tests: starts at an arbitrary point, moves only through advance().
class FakeTime : public TimeSource {
public:
    TimePoint now() const override { return TimePoint(SteadyClock::duration(ticks_.load())); }
    void advance(SteadyClock::duration d) { ticks_ += d.count(); }

private:
    std::atomic<SteadyClock::rep> ticks_{std::chrono::duration_cast<SteadyClock::duration>(std::chrono::hours(1000)).count()};
};

}  // namespace relay
