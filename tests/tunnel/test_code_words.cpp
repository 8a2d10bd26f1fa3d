// How a code's life reads for people (tunnel/session_client.h): one row per
// edge of the rounding rules.
#include <catch2/catch.hpp>

#include "tunnel/session_client.h"

using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST_CASE("duration_words: a lifetime to the nearest minute from 2 minutes up, else seconds") {
    struct Row { milliseconds d; const char* words; };
    auto row = GENERATE(Row{600s, "10 minutes"}, Row{599'900ms, "10 minutes"}, Row{570s, "10 minutes"},
                        Row{569s, "9 minutes"}, Row{120s, "2 minutes"}, Row{119s, "119 seconds"},
                        Row{20s, "20 seconds"}, Row{5'900ms, "6 seconds"}, Row{1s, "1 second"});
    CHECK(tunnel::duration_words(row.d) == row.words);
}

TEST_CASE("validity_words: minutes rounded down, seconds up, expired at zero") {
    struct Row { milliseconds left; const char* words; };
    auto row = GENERATE(Row{600s, "valid for 10 more minutes"}, Row{599'900ms, "valid for 9 more minutes"},
                        Row{555s, "valid for 9 more minutes"}, Row{120s, "valid for 2 more minutes"},
                        Row{119'999ms, "valid for 120 more seconds"}, Row{7'200ms, "valid for 8 more seconds"},
                        Row{1s, "valid for 1 more second"}, Row{1ms, "valid for 1 more second"},
                        Row{0ms, "expired"}, Row{-5s, "expired"});
    CHECK(tunnel::validity_words(row.left) == row.words);
}
