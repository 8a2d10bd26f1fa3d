// Counters and gauges for /metrics (Prometheus text format). Never codes,
// tokens or session ids: only totals.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "relay/errors.h"
#include "relay/session.h"
#include "relay/session_directory.h"

namespace relay {

struct Metrics {
    using Counter = std::atomic<std::uint64_t>;
    Counter sessions_created{0};
    Counter joins{0};
    std::array<Counter, static_cast<int>(ApiError::internal) + 1> join_failures{};  // by ApiError
    Counter rate_limited{0};
    Counter protocol_errors{0};
    std::array<Counter, 2> frames_forwarded{};  // by sending Side
    std::array<Counter, 2> bytes_forwarded{};   // frame bytes, by sending Side
    std::atomic<std::int64_t> open_downlinks{0};
    std::atomic<std::int64_t> open_uplinks{0};

    void join_failed(ApiError e) { ++join_failures[static_cast<int>(e)]; }
    std::string render(const DirectoryCounts& sessions) const;
};

}  // namespace relay
