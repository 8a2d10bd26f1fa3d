// Counts every refusal by a bound (tether_relay_refused_total) and logs it,
// at most one line per reason every kInterval with the number left out, so
// that a flood cannot flood the log too. Thread-safe. Internal to relay/.
#pragma once

#include <array>
#include <chrono>
#include <mutex>
#include <string>

#include "relay/log.h"
#include "relay/metrics.h"

namespace relay {

class RefusalLog {
public:
    // One line per reason per this interval at most.
    static constexpr std::chrono::seconds kInterval{10};

    RefusalLog(Log& log, Metrics& metrics) : log_(log), metrics_(metrics) {}
    // `who`: the client address (never anything it sent).
    void note(Refusal why, const std::string& who);

private:
    struct Reason {
        std::chrono::steady_clock::time_point last{};
        std::size_t left_out = 0;
    };
    Log& log_;
    Metrics& metrics_;
    std::mutex mutex_;
    std::array<Reason, kRefusalCount> reasons_{};
};

}  // namespace relay
