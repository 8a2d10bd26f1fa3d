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

// Why a stranger's connection or request was cut short by a bound
// (docs/RELAY.md, "Bounds"); each has a counter and a log line.
enum class Refusal {
    line_too_long,       // 431: request line or a header line over --max-line-bytes
    too_many_headers,    // 431: over --max-headers
    head_too_large,      // 431: head over --max-head-bytes
    head_timeout,        // closed: TLS handshake + request head over --head-timeout
    body_too_large,      // 413: a body read whole over --max-body-bytes
    body_too_slow,       // closed: a body below --min-body-rate
    bad_content_length,  // 400: duplicate, conflicting or malformed Content-Length
    per_address,         // closed at accept: --max-conns-per-ip
    unauthenticated,     // closed at accept: --max-unauthenticated
    accept_failed,       // accept() failed (out of descriptors): accepting pauses briefly
    // 429 to a join, before its code is looked at (JoinGuard):
    join_address,     // the address's failed joins over --join-failures-per-ip
    join_prefix,      // its /24 or /56 over --join-failures-per-prefix
    join_short_code,  // guard up: a 6-digit code from a source with a recent failed join
    join_guard_full,  // the guard tracks as many sources as it may: unknown ones wait
};
constexpr int kRefusalCount = static_cast<int>(Refusal::join_guard_full) + 1;
const char* refusal_name(Refusal r);

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
    std::array<Counter, kRefusalCount> refused{};  // by Refusal
    std::atomic<std::int64_t> open_connections{0};
    Counter join_guard_raised{0};           // times the join guard went up
    std::atomic<int> join_guard_up{0};      // 1 while it is up (updated each second)
    std::array<Counter, 2> codes_created{};  // [0] short codes, [1] long codes

    void join_failed(ApiError e) { ++join_failures[static_cast<int>(e)]; }
    std::string render(const DirectoryCounts& sessions) const;
};

}  // namespace relay
