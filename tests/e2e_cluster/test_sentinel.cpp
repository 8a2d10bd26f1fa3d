// Redis high availability with Sentinel, once (issue 18): the nodes find
// the master through `--redis sentinel://...`; when the master dies and
// Sentinel promotes the replica, a running session goes on, and new
// sessions are created on the new master.
#include <catch2/catch.hpp>

#include "cluster_fixture.h"
#include "support/sha256.h"

using namespace std::chrono_literals;
using cluster_e2e::kMiB;

namespace {

test_support::HaproxyOptions balancer(const test_support::RelayCluster& c) {
    test_support::HaproxyOptions h;
    h.backend_ports = c.ports();
    return h;
}

// Until a create through the balancer answers 201 (or `timeout`).
test_support::HttpAnswer create_until_ok(const test_support::Haproxy& h, const test_support::RelayCluster& c,
                                         std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    test_support::HttpAnswer a;
    do {
        a = test_support::https_request(h.url(), c.ca_file(), "POST", "/v1/sessions", "{}");
        if (a.status == 201) break;
        std::this_thread::sleep_for(200ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return a;
}

}  // namespace

TEST_CASE("Sentinel fails the master over: the relays follow it", "[sentinel_failover]") {
    test_support::RedisServer master;
    test_support::RedisServer replica({false, master.port()});
    test_support::SentinelOptions so;
    so.master_port = master.port();
    test_support::Sentinel sentinel(so);
    test_support::RelayClusterOptions co;
    co.redis_url = sentinel.url();
    test_support::RelayCluster cluster(co);
    test_support::Haproxy haproxy(balancer(cluster));
    auto diagnostics = [&] {
        return cluster.logs() + "==== sentinel\n" + sentinel.log() + "==== master\n" + master.log() +
               "==== replica\n" + replica.log();
    };

    test_support::TempDir dir;
    cluster_e2e::Gate gate;
    cluster_e2e::Pair pair;
    cluster_e2e::OpenOnExit open_on_exit{gate};
    pair.name = "the session";
    pair.desk_in = dir.file("desk.in");
    pair.client_in = dir.file("client.in");
    pair.desk_out = dir.file("desk.out");
    pair.client_out = dir.file("client.out");
    test_support::write_random_file(pair.desk_in, 4 * kMiB, 41);
    test_support::write_random_file(pair.client_in, 4 * kMiB, 42);
    e2e::Route r = cluster_e2e::route_to(haproxy.url(), cluster);
    pair.desk = e2e::start_open(r, "", pair.desk_out);
    pair.client = e2e::start_join(r, pair.desk.code, "", pair.client_out);
    pair.desk_feed = cluster_e2e::feed(*pair.desk.proc, pair.desk_in, {kMiB}, gate, 64 * 1024, 100ms);
    pair.client_feed = cluster_e2e::feed(*pair.client, pair.client_in, {kMiB}, gate, 64 * 1024, 100ms);
    REQUIRE(cluster_e2e::wait_for_size(pair.client_out, kMiB, 60s));
    // The session is in the master's directory, and so in the replica.
    INFO(diagnostics());
    CHECK(master.command({"KEYS", "tether:*"}) != "");

    // Sentinel learns of the replica from the master's INFO (every 10 s).
    REQUIRE(sentinel.wait_for_replica(replica.port(), 15s));
    master.crash();
    gate.open(1);
    CHECK(sentinel.wait_for_failover(60s) == replica.port());

    // New sessions work, and live in the new master.
    const long keys_before = std::stol(replica.command({"DBSIZE"}));
    auto a = create_until_ok(haproxy, cluster, 30s);
    INFO("create after the failover: " << a.status << " " << a.body << "\n" << diagnostics());
    CHECK(a.status == 201);
    CHECK(std::stol(replica.command({"DBSIZE"})) > keys_before);
    // The running session went on through the failover.
    std::string why;
    bool finished = pair.finish(120s, why);
    INFO(why << "\n" << diagnostics());
    CHECK(finished);
    CHECK(pair.intact());
}
