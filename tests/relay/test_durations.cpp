// Session durations in /metrics (issue 19): a histogram of join-to-end
// times of sessions that ended, with a fake clock; nothing else is counted
// (a code that expired unused is no session).
#include <catch2/catch.hpp>

#include "relay/metrics.h"
#include "directory_fixture.h"

using namespace relay;
using namespace std::chrono_literals;

namespace {

using Fixture = relay_test::DirectoryFixture;

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("an ended session's time from join to end goes into the duration histogram") {
    Fixture f;
    Created a = std::get<Created>(f.dir.create("Sam"));
    f.time.advance(20s);  // waiting for the customer is not part of the session
    REQUIRE(std::holds_alternative<Joined>(f.dir.join(a.code)));
    f.time.advance(42s);
    REQUIRE(f.dir.end(*a.session, EndCause::by_desk));

    Created b = std::get<Created>(f.dir.create("Sam"));
    REQUIRE(std::holds_alternative<Joined>(f.dir.join(b.code)));
    f.time.advance(400s);
    REQUIRE(f.dir.end(*b.session, EndCause::by_client));

    std::get<Created>(f.dir.create("Sam"));  // never joined: expires, is no session
    f.time.advance(700s);
    f.dir.sweep();

    DirectoryCounts c = f.dir.counts();
    CHECK(c.durations.count() == 2);
    CHECK(c.durations.sum_seconds() == Approx(442));
    Metrics m;
    std::string text = m.render(c);
    CHECK(has_line(text, "# TYPE tether_relay_session_duration_seconds histogram"));
    CHECK(has_line(text, "tether_relay_session_duration_seconds_bucket{le=\"30\"} 0"));
    CHECK(has_line(text, "tether_relay_session_duration_seconds_bucket{le=\"60\"} 1"));
    CHECK(has_line(text, "tether_relay_session_duration_seconds_bucket{le=\"600\"} 2"));
    CHECK(has_line(text, "tether_relay_session_duration_seconds_bucket{le=\"+Inf\"} 2"));
    CHECK(has_line(text, "tether_relay_session_duration_seconds_sum 442"));
    CHECK(has_line(text, "tether_relay_session_duration_seconds_count 2"));
    CHECK(text.find(a.code) == std::string::npos);  // totals only
}
