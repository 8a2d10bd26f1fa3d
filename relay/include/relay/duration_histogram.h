// Session durations for /metrics (issue 19): a Prometheus histogram of the
// time from the client's join to the session's end, for sessions that
// ended. Totals only: nothing here names a session, a code or a token.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>

namespace relay {

class DurationHistogram {
public:
    // Upper bounds in seconds: a quick question (under a minute) to a long
    // repair (hours); support sessions cluster at 5-30 minutes.
    static constexpr std::array<double, 9> kBounds{10, 30, 60, 300, 600, 1800, 3600, 7200, 14400};

    void observe(std::chrono::duration<double> d);
    // The `# HELP`/`# TYPE` header and the _bucket, _sum and _count lines.
    std::string render(const std::string& name, const std::string& help) const;
    std::uint64_t count() const { return count_; }
    double sum_seconds() const { return sum_; }

private:
    std::array<std::uint64_t, kBounds.size()> buckets_{};  // cumulative counts are made when rendering
    std::uint64_t count_ = 0;
    double sum_ = 0;
};

}  // namespace relay
