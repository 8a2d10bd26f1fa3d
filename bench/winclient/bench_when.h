// The timing wait of the Windows client benches (bench_winclient.cpp,
// bench_winscreen.cpp): when a status file says something, to within 2 ms.
#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <thread>

namespace winbench {

using Clock = std::chrono::steady_clock;

// Polls `pred` every 2 ms (a status file is rewritten, not appended, so
// there is nothing to wait on) until true; returns when it became true.
// Throws "timed out" after `limit`.
inline Clock::time_point when(const std::function<bool()>& pred, std::chrono::seconds limit) {
    auto end = Clock::now() + limit;
    while (!pred()) {
        if (Clock::now() > end) throw std::runtime_error("timed out");
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return Clock::now();
}

}  // namespace winbench
