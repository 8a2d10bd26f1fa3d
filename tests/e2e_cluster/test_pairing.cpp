// A desk and a client paired across nodes (issue 18): the desk creates its
// session on one node, the client's join and carriers land on another (the
// join is answered there, the carriers are forwarded to the desk's node); 50 MiB each way arrive with the right
// SHA-256. Straight at two different nodes (cross-node for certain), and
// both through HAProxy; and a variant where the client arrives late.
#include <catch2/catch.hpp>

#include "cluster_fixture.h"
#include "support/sha256.h"

using namespace std::chrono_literals;
using cluster_e2e::kMiB;

namespace {

// One open/join pair with 50 MiB each way from files; the client starts
// `late` after the desk printed its code.
void transfer_50mib(cluster_e2e::Stack& s, const e2e::Route& desk_route, const e2e::Route& client_route,
                    const std::string& name, std::chrono::seconds late) {
    test_support::TempDir dir;
    test_support::write_random_file(dir.file("desk.in"), 50 * kMiB, 11);
    test_support::write_random_file(dir.file("client.in"), 50 * kMiB, 12);
    e2e::Opened desk = e2e::start_open(desk_route, dir.file("desk.in"), dir.file("desk.out"));
    std::this_thread::sleep_for(late);
    auto client = e2e::start_join(client_route, desk.code, dir.file("client.in"), dir.file("client.out"));
    int client_rc = client->wait(150s), desk_rc = desk.proc->wait(60s);
    INFO(name << "\ndesk stderr:\n" << desk.proc->err() << "\nclient stderr:\n" << client->err() << "\n"
              << s.diagnostics());
    CHECK(client_rc == 0);
    CHECK(desk_rc == 0);
    CHECK(test_support::sha256_file(dir.file("client.out")) == test_support::sha256_file(dir.file("desk.in")));
    CHECK(test_support::sha256_file(dir.file("desk.out")) == test_support::sha256_file(dir.file("client.in")));
    // Both sides show the same security code, once each.
    auto auth = [](const std::string& err) { return cluster_e2e::count_matches(err, "(^|\n)TETHER_AUTH="); };
    CHECK(auth(desk.proc->err()) == 1);
    CHECK(auth(client->err()) == 1);
}

}  // namespace

TEST_CASE("desk on node 0, client on node 1, then both through HAProxy: 50 MiB each way", "[paired]") {
    cluster_e2e::Stack s;
    transfer_50mib(s, s.via_node(0), s.via_node(1), "desk at node0, client at node1", 0s);
    // The session lived on node 0 (created there; node 1 answered the join
    // and node 0 learnt of it from Redis), and on no other node.
    CHECK(cluster_e2e::count_matches(s.cluster.log(0), "created, waiting for the client") == 1);
    CHECK(cluster_e2e::count_matches(s.cluster.log(0), "client joined") == 1);
    CHECK(cluster_e2e::count_matches(s.cluster.log(1) + s.cluster.log(2), "created, waiting for the client") == 0);
    CHECK(s.cluster.metric(1, "tether_relay_forwarded_connections_total") >= 1);
    CHECK(s.cluster.metric(0, "tether_relay_forwarded_connections_total") == 0);
    transfer_50mib(s, s.via_balancer(), s.via_balancer(), "both through HAProxy", 0s);
}

TEST_CASE("the client joins 35 s after the desk opened, on another node: 50 MiB each way", "[paired_late]") {
    cluster_e2e::Stack s;
    // Past the end-to-end handshake's 30 s: the desk waits, the code still works.
    transfer_50mib(s, s.via_node(1), s.via_node(2), "desk at node1, client at node2, 35 s late", 35s);
}
