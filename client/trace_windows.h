// TETHER_TRACE=1: tether-client.exe writes each step from the code to the
// supporter's first frame on stderr, "tether-client: trace <unix us> <step>",
// with the wall clock in microseconds, so that bench/winclient's
// bench_winscreen lines them up with the desk's and its own clock (the
// phases in bench/winclient/README.md). Off: nothing is written.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

namespace client {

// The trace function when TETHER_TRACE=1, else empty. Any thread.
inline std::function<void(const std::string&)> tracer() {
    const char* on = std::getenv("TETHER_TRACE");
    if (!on || *on != '1') return {};
    return [](const std::string& step) {
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::system_clock::now().time_since_epoch());
        std::fprintf(stderr, "tether-client: trace %lld %s\n", static_cast<long long>(us.count()), step.c_str());
        std::fflush(stderr);
    };
}

}  // namespace client
