// kill -9 of the node that carries a session, in the middle of a 200 MiB
// transfer (issue 18): the endpoints reconnect through HAProxy, another
// node adopts the session from Redis, and the transfer completes with the
// right SHA-256; same session (no new code, no second "created"), same
// security code (TETHER_AUTH printed once per side, no new handshake).
// Prints the time from the kill to data flowing again.
#include <catch2/catch.hpp>

#include <cstdio>

#include "cluster_fixture.h"
#include "support/sha256.h"

using namespace std::chrono_literals;
using cluster_e2e::kMiB;

TEST_CASE("kill -9 of the session's node mid-transfer: it completes on another node", "[node_death]") {
    cluster_e2e::Stack s;
    test_support::TempDir dir;
    const std::uint64_t size = 200 * kMiB, back = 16 * kMiB;
    test_support::write_random_file(dir.file("desk.in"), size, 21);
    test_support::write_random_file(dir.file("client.in"), back, 22);
    e2e::Route r = s.via_balancer();
    r.heartbeat_ms = 500;  // a silent path is noticed quickly too

    // Gates: the desk holds at 120 MiB and the client at 8 MiB until the
    // kill happened, so the transfer cannot finish before it.
    cluster_e2e::Gate gate;
    cluster_e2e::Pair pair;
    cluster_e2e::OpenOnExit open_on_exit{gate};  // after `pair`: destroyed before it
    pair.name = "the session";
    pair.desk_in = dir.file("desk.in");
    pair.client_in = dir.file("client.in");
    pair.desk_out = dir.file("desk.out");
    pair.client_out = dir.file("client.out");
    pair.desk = e2e::start_open(r, "", pair.desk_out);
    pair.client = e2e::start_join(r, pair.desk.code, "", pair.client_out);
    pair.desk_feed = cluster_e2e::feed(*pair.desk.proc, pair.desk_in, {120 * kMiB}, gate);
    pair.client_feed = cluster_e2e::feed(*pair.client, pair.client_in, {8 * kMiB}, gate);
    e2e::Opened& desk = pair.desk;
    auto& client = pair.client;

    bool midway = cluster_e2e::wait_for_size(dir.file("client.out"), 60 * kMiB, 120s);
    std::vector<std::size_t> homes = cluster_e2e::nodes_with_connected_sessions(s.cluster);
    INFO("desk stderr:\n" << desk.proc->err() << "\nclient stderr:\n" << client->err() << "\n" << s.diagnostics());
    REQUIRE(midway);
    REQUIRE(homes.size() == 1);  // exactly one node holds the session
    const std::size_t home = homes[0];
    const auto ids_before = cluster_e2e::session_ids(s.cluster.log(home));

    const std::uint64_t at_kill = cluster_e2e::file_size(dir.file("client.out"));
    const auto t_kill = std::chrono::steady_clock::now();
    s.cluster.kill(home);
    // Data flows again: 4 MiB past what had arrived at the kill (more than
    // the relay's 1 MiB per-direction buffer and what the client's pipeline
    // could still hold from before the kill).
    bool resumed = cluster_e2e::wait_for_size(dir.file("client.out"), at_kill + 4 * kMiB, 60s);
    const double resume_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_kill).count();
    std::printf("e2e.cluster.node_death: kill -9 of node%zu at %.1f MiB; data flowing again (4 MiB more arrived) "
                "after %.2f s\n", home, double(at_kill) / kMiB, resume_s);
    gate.open(1);
    CHECK(resumed);

    std::string why;
    bool finished = pair.finish(180s, why);
    INFO(why << "\n" << s.diagnostics());
    CHECK(finished);
    CHECK(pair.intact());
    // Same session, same authentication: one code, one security code per
    // side, one session created in the whole cluster, and the node that
    // adopted it logs the same short session id.
    CHECK(cluster_e2e::count_matches(desk.proc->err(), "TETHER_CODE=") == 1);
    CHECK(cluster_e2e::count_matches(desk.proc->err(), "(^|\n)TETHER_AUTH=") == 1);
    CHECK(cluster_e2e::count_matches(client->err(), "(^|\n)TETHER_AUTH=") == 1);
    CHECK(cluster_e2e::count_matches(s.cluster.logs(), "created, waiting for the client") == 1);
    REQUIRE(ids_before.size() == 1);
    std::string others;
    for (std::size_t i = 0; i < s.cluster.size(); ++i)
        if (i != home) others += s.cluster.log(i);
    CHECK(others.find("session " + ids_before[0] + ": adopted from another node") != std::string::npos);
}
