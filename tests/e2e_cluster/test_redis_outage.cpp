// Redis restarted under live sessions (issue 18): the sessions keep
// running (their nodes serve them from memory), a create during the outage
// gets 503 `directory_unavailable` with a sentence a person can act on,
// both from the API and as tether-tunnel says it, and creates work again
// once Redis is back. Everything goes through HAProxy, as endpoints would.
#include <catch2/catch.hpp>

#include "cluster_fixture.h"
#include "support/sha256.h"

using namespace std::chrono_literals;
using cluster_e2e::kMiB;

TEST_CASE("Redis restarted under live sessions: they run on, creates get 503, then work", "[redis_restart]") {
    cluster_e2e::StackOptions o;
    o.redis_persistence = true;  // like Debian's redis.conf: a restart keeps the directory
    cluster_e2e::Stack s(o);
    test_support::TempDir dir;
    constexpr int kSessions = 3;
    const std::uint64_t size = 4 * kMiB;
    // 64 KiB every 100 ms; each side holds at 1 MiB until Redis is gone and
    // at 2 MiB until it is back: bytes cross during the outage.
    cluster_e2e::Gate gate;
    std::vector<std::unique_ptr<cluster_e2e::Pair>> pairs;
    cluster_e2e::OpenOnExit open_on_exit{gate};  // after `pairs`: destroyed before them
    for (int i = 0; i < kSessions; ++i)
        pairs.push_back(cluster_e2e::paced_pair(s, dir, i, size, 300, {kMiB, 2 * kMiB}, gate, 64 * 1024, 100ms));
    for (auto& p : pairs) REQUIRE(cluster_e2e::wait_for_size(p->client_out, kMiB, 60s));

    s.redis.stop();
    gate.open(1);
    // A create during the outage, as the API answers it...
    std::this_thread::sleep_for(2s);  // past the nodes' 1 s liveness beat: every node has seen Redis gone
    auto create = test_support::https_request(s.haproxy.url(), s.cluster.ca_file(), "POST", "/v1/sessions",
                                              "{\"name\":\"outage\"}");
    INFO("create during the outage: " << create.status << " " << create.body);
    CHECK(create.status == 503);
    CHECK(create.body.find("\"directory_unavailable\"") != std::string::npos);
    CHECK(create.body.find("session directory is unavailable; try again in a minute") != std::string::npos);
    // ...and as tether-tunnel open tells its user.
    auto open = e2e::run_tunnel(s.via_balancer(), {"open"}, 60s);
    INFO("tether-tunnel open during the outage:\n" << open.err);
    CHECK(open.code != 0);
    CHECK(open.err.find("the relay refused to create a session (503): ") != std::string::npos);
    CHECK(open.err.find("session directory is unavailable; try again in a minute") != std::string::npos);
    // Bytes still cross every live session while Redis is away.
    for (auto& p : pairs) CHECK(cluster_e2e::wait_for_size(p->client_out, kMiB + kMiB / 2, 60s));

    s.redis.start();
    gate.open(2);
    // Creates work again on every node (within their reconnect interval).
    for (std::size_t n = 0; n < s.cluster.size(); ++n) {
        test_support::HttpAnswer a;
        for (int i = 0; i < 100 && a.status != 201; ++i) {
            if (i) std::this_thread::sleep_for(200ms);
            a = test_support::https_request(s.cluster.url(n), s.cluster.ca_file(), "POST", "/v1/sessions", "{}");
        }
        INFO("node" << n << " after the outage: " << a.status << " " << a.body);
        CHECK(a.status == 201);
    }
    // A whole new pair works end to end after the outage.
    test_support::write_random_file(dir.file("after.in"), kMiB, 399);
    e2e::transfer(s.via_balancer(), dir, dir.file("after.in"), dir.file("after.in"), 120s);
    const std::string after = test_support::sha256_file(dir.file("after.in"));
    CHECK(test_support::sha256_file(dir.file("client.out")) == after);
    CHECK(test_support::sha256_file(dir.file("desk.out")) == after);

    std::string failures;
    for (auto& p : pairs) {
        std::string why;
        if (!p->finish(120s, why)) failures += why + "\n";
        else if (!p->intact()) failures += p->name + ": SHA-256 differs\n";
    }
    INFO(failures << "\n" << s.diagnostics());
    CHECK(failures.empty());
}
