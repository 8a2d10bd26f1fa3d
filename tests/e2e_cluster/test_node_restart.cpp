// A node killed and started again at once, as systemd's Restart= does
// (issue 18): the session it held moves to another node, and sessions
// created on the restarted node right afterwards pair with clients that
// arrive at the other nodes (which saw its cluster listener refuse a
// moment before) and carry exact bytes.
#include <catch2/catch.hpp>

#include <cstdio>

#include "cluster_fixture.h"
#include "support/sha256.h"

using namespace std::chrono_literals;
using cluster_e2e::kMiB;

TEST_CASE("a node killed and restarted at once serves new sessions across nodes", "[node_restart]") {
    cluster_e2e::Stack s;
    test_support::TempDir dir;
    test_support::write_random_file(dir.file("small.in"), kMiB, 61);

    // A session through HAProxy, homed somewhere; its node dies: the
    // others meet its refusing cluster listener and adopt the session.
    cluster_e2e::Gate gate;
    cluster_e2e::Pair pair;
    cluster_e2e::OpenOnExit open_on_exit{gate};
    pair.name = "the first session";
    pair.desk_in = pair.client_in = dir.file("small.in");
    pair.desk_out = dir.file("first.desk.out");
    pair.client_out = dir.file("first.client.out");
    pair.desk = e2e::start_open(s.via_balancer(), "", pair.desk_out);
    pair.client = e2e::start_join(s.via_balancer(), pair.desk.code, "", pair.client_out);
    pair.desk_feed = cluster_e2e::feed(*pair.desk.proc, pair.desk_in, {kMiB / 2}, gate, 64 * 1024);
    pair.client_feed = cluster_e2e::feed(*pair.client, pair.client_in, {kMiB / 2}, gate, 64 * 1024);
    REQUIRE(cluster_e2e::wait_for_size(pair.client_out, kMiB / 2, 60s));
    auto homes = cluster_e2e::nodes_with_connected_sessions(s.cluster);
    REQUIRE(homes.size() == 1);
    const std::size_t home = homes[0];
    std::printf("e2e.cluster.node_restart: the first session is homed on node%zu\n", home);
    s.cluster.kill(home);
    gate.open(1);
    std::string why;
    bool finished = pair.finish(120s, why);
    INFO(why);
    CHECK(finished);
    CHECK(pair.intact());

    // Started again at once; new sessions homed on it, clients at each other node.
    s.cluster.start(home);
    for (std::size_t other = 0; other < s.cluster.size(); ++other) {
        if (other == home) continue;
        test_support::TempDir d;
        e2e::Opened desk = e2e::start_open(s.via_node(home), dir.file("small.in"), d.file("desk.out"));
        auto client = e2e::start_join(s.via_node(other), desk.code, dir.file("small.in"), d.file("client.out"));
        int client_rc = -1, desk_rc = -1;
        try {
            client_rc = client->wait(60s);
            desk_rc = desk.proc->wait(10s);
        } catch (const std::exception& e) {
            FAIL_CHECK(e.what());
        }
        const std::string want = test_support::sha256_file(dir.file("small.in"));
        INFO("desk at the restarted node" << home << ", client at node" << other << "\ndesk:\n" << desk.proc->err()
                                          << "\nclient:\n" << client->err() << "\n" << s.diagnostics());
        CHECK(client_rc == 0);
        CHECK(desk_rc == 0);
        CHECK(test_support::sha256_file(d.file("client.out")) == want);
        CHECK(test_support::sha256_file(d.file("desk.out")) == want);
    }
}
