// A SessionDirectory on a fake clock and scripted randomness, with the
// relay's code lifetimes (an unused code 10 min, a gone side's grace 60 s,
// tombstones 1 h), at most 100 live sessions, 1 MiB buffered per direction
// and a silent log: the set-up of the directory's unit tests
// (test_directory.cpp, test_durations.cpp).
#pragma once

#include <chrono>
#include <string>
#include <variant>

#include "relay/session_directory.h"
#include "scripted_random.h"

namespace relay_test {

struct DirectoryFixture {
    relay::FakeTime time;
    ScriptedRandom rng;
    relay::Log log{relay::LogLevel::error, [](const std::string&) {}};
    relay::DirectoryLimits limits{std::chrono::seconds(600), std::chrono::seconds(60), std::chrono::seconds(3600), 100,
                                  1 << 20};
    relay::SessionDirectory dir{time, rng, limits, log};

    // A code for supporter "Sam" (the test fails unless one is made).
    relay::Created create() { return std::get<relay::Created>(dir.create("Sam")); }
    std::variant<relay::Joined, relay::ApiError> join(const std::string& code) { return dir.join(code); }
};

}  // namespace relay_test
