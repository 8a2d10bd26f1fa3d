// SessionDirectory: the code lifecycle (single use, expiry, no reuse while
// live or tombstoned, end) with a fake clock and scripted randomness.
#include <catch2/catch.hpp>

#include "directory_fixture.h"
#include "wire/session_code.h"

using namespace relay;
using namespace std::chrono_literals;

namespace {

using Fixture = relay_test::DirectoryFixture;

ApiError error_of(const std::variant<Joined, ApiError>& r) {
    REQUIRE(std::holds_alternative<ApiError>(r));
    return std::get<ApiError>(r);
}

}  // namespace

TEST_CASE("a code is six digits (nine when asked) and a token 64 hex characters") {
    Fixture f;
    Created c = f.create();
    CHECK(c.code.size() == 6);
    CHECK(wire::valid_session_code(c.code));
    CHECK(c.token.size() == 64);
    CHECK(c.token.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(c.session->name() == "Sam");
    Created long_code = std::get<Created>(f.dir.create("Sam", 9));
    CHECK(long_code.code.size() == 9);
    CHECK(wire::valid_session_code(long_code.code));
    CHECK(std::holds_alternative<Joined>(f.dir.join(long_code.code)));
}

TEST_CASE("a code works once") {
    Fixture f;
    Created c = f.create();
    auto first = f.join(c.code);
    REQUIRE(std::holds_alternative<Joined>(first));
    CHECK(std::get<Joined>(first).session == c.session);
    CHECK(std::get<Joined>(first).token != c.token);
    CHECK(error_of(f.join(c.code)) == ApiError::used_code);
}

// One row per way a join can fail (rate limiting is the HTTP layer's job).
TEST_CASE("each join error has its own id") {
    struct Row {
        const char* what;
        std::function<std::string(Fixture&)> setup;  // returns the code to try
        ApiError expected;
    };
    const std::vector<Row> rows = {
        {"five digits", [](Fixture&) { return std::string("12345"); }, ApiError::bad_request},
        {"letters", [](Fixture&) { return std::string("12a456"); }, ApiError::bad_request},
        {"ten digits", [](Fixture&) { return std::string("1234567890"); }, ApiError::bad_request},
        {"nine digits never issued", [](Fixture&) { return std::string("123456789"); }, ApiError::unknown_code},
        {"never issued", [](Fixture&) { return std::string("000000"); }, ApiError::unknown_code},
        {"used", [](Fixture& f) { auto c = f.create(); f.join(c.code); return c.code; }, ApiError::used_code},
        {"expired unused", [](Fixture& f) { auto c = f.create(); f.time.advance(601s); return c.code; }, ApiError::expired_code},
        {"ended by desk before join", [](Fixture& f) { auto c = f.create(); f.dir.end(*c.session, EndCause::by_desk); return c.code; }, ApiError::ended_session},
        {"ended after join", [](Fixture& f) { auto c = f.create(); f.join(c.code); f.dir.end(*c.session, EndCause::by_client); return c.code; }, ApiError::ended_session},
        {"tombstone forgotten", [](Fixture& f) { auto c = f.create(); f.dir.end(*c.session, EndCause::by_desk); f.time.advance(3601s); f.dir.sweep(); return c.code; }, ApiError::unknown_code},
    };
    for (const Row& row : rows) {
        SECTION(row.what) {
            Fixture f;
            if (std::string(row.what) == "never issued") f.rng.code_draws = {1};  // live code 000001 exists
            f.create();
            const std::string code = row.setup(f);
            CHECK(error_of(f.join(code)) == row.expected);
        }
    }
}

TEST_CASE("a code joined just before expiry stays joined") {
    Fixture f;
    Created c = f.create();
    c.session->attach_downlink(Side::desk);  // the desk is there all along
    f.time.advance(599s);
    REQUIRE(std::holds_alternative<Joined>(f.join(c.code)));
    f.time.advance(10s);
    f.dir.sweep();
    CHECK_FALSE(c.session->ended());
}

// A cluster's join answered by another node (decided in Redis): the home
// records it, and from then on the session is joined as by a local join.
TEST_CASE("a join applied from another node counts like a local one, once") {
    Fixture f;
    Created c = f.create();
    c.session->attach_downlink(Side::desk);
    const std::string client(64, 'c');  // no DirectoryKeys here: a token is its own key
    CHECK(f.dir.apply_join(c.token, client, nullptr));
    CHECK(f.dir.apply_join(c.token, client, nullptr));               // told twice (pub/sub and a request): no change
    CHECK_FALSE(f.dir.apply_join(c.token, std::string(64, 'd'), nullptr));  // another client: refused
    CHECK_FALSE(f.dir.apply_join(std::string(64, 'e'), client, nullptr));   // no such session
    auto ep = f.dir.authenticate(client);
    REQUIRE(std::holds_alternative<Endpoint>(ep));
    CHECK(std::get<Endpoint>(ep).side == Side::client);
    CHECK(std::get<ApiError>(f.join(c.code)) == ApiError::used_code);
    CHECK(f.dir.counts().waiting == 0);
    c.session->attach_downlink(Side::client);
    f.time.advance(601s);  // past the code's life: a joined session does not expire
    f.dir.sweep();
    CHECK_FALSE(c.session->ended());
}

TEST_CASE("expiry ends the session and tells the desk") {
    Fixture f;
    Created c = f.create();
    f.time.advance(601s);
    f.dir.sweep();
    CHECK(c.session->ended());
    CHECK(std::get<ApiError>(f.dir.authenticate(c.token)) == ApiError::ended_session);
}

TEST_CASE("a code is not reissued while live or tombstoned") {
    Fixture f;
    f.rng.code_draws = {123456, 123456, 654321};
    Created a = f.create();
    CHECK(a.code == "123456");
    Created b = f.create();  // 123456 again is live: redrawn
    CHECK(b.code == "654321");
    f.dir.end(*a.session, EndCause::by_desk);
    f.rng.code_draws = {123456, 111111};
    CHECK(f.create().code == "111111");  // 123456 is tombstoned
    f.time.advance(3601s);
    f.dir.sweep();
    f.rng.code_draws = {123456};
    CHECK(f.create().code == "123456");  // tombstone forgotten: free again
}

TEST_CASE("tokens authenticate their side until the session ends") {
    Fixture f;
    Created c = f.create();
    Joined j = std::get<Joined>(f.join(c.code));
    CHECK(std::get<Endpoint>(f.dir.authenticate(c.token)).side == Side::desk);
    CHECK(std::get<Endpoint>(f.dir.authenticate(j.token)).side == Side::client);
    CHECK(std::get<ApiError>(f.dir.authenticate("nope")) == ApiError::bad_token);
    CHECK(f.dir.end(*c.session, EndCause::by_client));
    CHECK_FALSE(f.dir.end(*c.session, EndCause::by_client));  // already ended
    CHECK(std::get<ApiError>(f.dir.authenticate(c.token)) == ApiError::ended_session);
    CHECK(std::get<ApiError>(f.dir.authenticate(j.token)) == ApiError::ended_session);
}

TEST_CASE("each side receives its own end reason") {
    struct Row {
        EndCause cause;
        wire::EndReason desk, client;
    };
    const Row rows[] = {
        {EndCause::by_desk, wire::EndReason::by_you, wire::EndReason::by_peer},
        {EndCause::by_client, wire::EndReason::by_peer, wire::EndReason::by_you},
        {EndCause::shutdown, wire::EndReason::relay_shutdown, wire::EndReason::relay_shutdown},
    };
    for (const Row& row : rows) {
        Fixture f;
        Created c = f.create();
        f.join(c.code);
        f.dir.end(*c.session, row.cause);
        for (auto [side, reason] : {std::pair{Side::desk, row.desk}, std::pair{Side::client, row.client}}) {
            std::vector<wire::Frame> out;
            const auto gen = c.session->attach_downlink(side);
            while (c.session->next_for(side, gen, out, 1 << 20, 10ms) == PopResult::frames) {}
            REQUIRE(!out.empty());
            CHECK(out.back().type == wire::FrameType::end);
            CHECK(wire::payload_end(out.back()).reason == reason);
        }
    }
}

TEST_CASE("a side gone longer than the grace period ends the session") {
    Fixture f;
    Created c = f.create();
    f.join(c.code);
    auto desk = c.session->attach_downlink(Side::desk);
    auto client = c.session->attach_downlink(Side::client);
    c.session->detach_downlink(Side::client, client);
    f.time.advance(59s);
    f.dir.sweep();
    CHECK_FALSE(c.session->ended());
    client = c.session->attach_downlink(Side::client);  // came back in time
    f.time.advance(120s);
    f.dir.sweep();
    CHECK_FALSE(c.session->ended());
    c.session->detach_downlink(Side::desk, desk);
    f.time.advance(61s);
    f.dir.sweep();
    CHECK(c.session->ended());
    std::vector<wire::Frame> out;
    while (c.session->next_for(Side::client, client, out, 1 << 20, 10ms) == PopResult::frames) {}
    CHECK(wire::payload_end(out.back()).reason == wire::EndReason::peer_timeout);
}

TEST_CASE("a desk gone before anyone joined ends its session after the grace period") {
    Fixture f;
    Created c = f.create();
    c.session->detach_downlink(Side::desk, c.session->attach_downlink(Side::desk));
    f.time.advance(61s);
    f.dir.sweep();
    CHECK(c.session->ended());
    CHECK(error_of(f.join(c.code)) == ApiError::ended_session);
}

TEST_CASE("the live session limit answers busy") {
    Fixture f;
    for (int i = 0; i < 100; ++i) f.create();
    CHECK(std::get<ApiError>(f.dir.create("x")) == ApiError::busy);
}

TEST_CASE("counts report sessions by state") {
    Fixture f;
    Created a = f.create();
    Created b = f.create();
    f.join(b.code);
    b.session->attach_downlink(Side::desk);
    b.session->attach_downlink(Side::client);
    Created c = f.create();
    f.join(c.code);
    DirectoryCounts n = f.dir.counts();
    CHECK(n.waiting == 1);
    CHECK(n.connected == 1);
    CHECK(n.reconnecting == 1);
}
