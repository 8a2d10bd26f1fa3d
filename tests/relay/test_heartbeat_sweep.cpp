// HeartbeatSweep (relay/src/heartbeat_sweep.h): which downlinks one tick
// calls due for, by their silence, with a 2 s heartbeat (period 500 ms: a
// ping(0) after 2 to 2.5 s of silence).
#include <catch2/catch.hpp>

#include "heartbeat_sweep.h"

using namespace relay;
using namespace std::chrono_literals;

TEST_CASE("a tick calls due only for downlinks silent for a heartbeat") {
    HeartbeatSweep sweep(2000ms);
    CHECK(sweep.period() == 500ms);
    const SteadyClock::time_point now = SteadyClock::now();
    struct Row {
        SteadyClock::duration silent;
        bool due;
    };
    const Row rows[] = {{0ms, false}, {1500ms, false}, {1999ms, false}, {2000ms, true}, {2499ms, true}, {60s, true}};
    for (const Row& r : rows) {
        HeartbeatSweep::LastGive last(HeartbeatSweep::stamp(now - r.silent));
        int called = 0;
        const auto id = sweep.add(&last, [&called] { ++called; });
        sweep.tick(now);
        CHECK(called == (r.due ? 1 : 0));
        sweep.remove(id);
    }
}

TEST_CASE("a removed downlink is not called; the others are") {
    HeartbeatSweep sweep(2000ms);
    const SteadyClock::time_point now = SteadyClock::now();
    HeartbeatSweep::LastGive a(HeartbeatSweep::stamp(now - 3s)), b(HeartbeatSweep::stamp(now - 3s));
    int called_a = 0, called_b = 0;
    const auto id_a = sweep.add(&a, [&] { ++called_a; });
    sweep.add(&b, [&] { ++called_b; });
    sweep.remove(id_a);
    sweep.tick(now);
    CHECK(called_a == 0);
    CHECK(called_b == 1);
}

TEST_CASE("a heartbeat shorter than 4 ms still ticks (every millisecond)") {
    HeartbeatSweep sweep(2ms);
    CHECK(sweep.period() == 1ms);
}
