// The example configuration of docs/RELAY.md "A cluster" works as written
// (issue 18): conf/cluster/relay.conf passes --check-config and runs three
// nodes (the command line moves only addresses and files to the test's),
// conf/cluster/sentinel.conf runs the sentinel they find Redis through,
// and conf/cluster/haproxy.cfg (addresses moved) balances them: a desk and
// a client through it transfer 8 MiB each way intact.
#include <catch2/catch.hpp>

#include "cluster_fixture.h"
#include "support/relay_fixture.h"
#include "support/sha256.h"

using namespace std::chrono_literals;
using cluster_e2e::kMiB;

namespace {

const std::string kConf = std::string(TETHER_SOURCE_DIR) + "/conf/cluster/";

}  // namespace

TEST_CASE("conf/cluster: relay.conf, sentinel.conf and haproxy.cfg run a cluster", "[example_conf]") {
    test_support::RedisServer redis;
    test_support::SentinelOptions so;
    so.master_port = redis.port();
    so.example_config = kConf + "sentinel.conf";
    test_support::Sentinel sentinel(so);
    CHECK(sentinel.url() == "sentinel://127.0.0.1:" + std::to_string(sentinel.port()) + "/tether");

    test_support::RelayClusterOptions co;
    co.redis_url = sentinel.url();
    co.config_file = kConf + "relay.conf";
    test_support::RelayCluster cluster(co);
    INFO(cluster.logs());

    // --check-config reads the same file with the same overrides.
    std::vector<std::string> check = {test_support::relay_binary()};
    for (auto& a : cluster.node_args(0)) check.push_back(a);
    check.push_back("--check-config");
    auto checked = test_support::run(check);
    INFO("--check-config: " << checked.output);
    CHECK(checked.code == 0);
    CHECK(checked.output.find("relay.conf: OK") != std::string::npos);

    test_support::HaproxyOptions ho;
    ho.backend_ports = cluster.ports();
    ho.example_config = kConf + "haproxy.cfg";
    test_support::Haproxy haproxy(ho);  // every node passed the example's /readyz check
    INFO("haproxy.cfg as run:\n" << haproxy.config() << "\n" << haproxy.log());
    CHECK(haproxy.config().find("option httpchk GET /readyz") != std::string::npos);

    test_support::TempDir dir;
    test_support::write_random_file(dir.file("desk.in"), 8 * kMiB, 51);
    test_support::write_random_file(dir.file("client.in"), 8 * kMiB, 52);
    e2e::transfer(cluster_e2e::route_to(haproxy.url(), cluster), dir, dir.file("desk.in"), dir.file("client.in"), 120s);
    CHECK(test_support::sha256_file(dir.file("client.out")) == test_support::sha256_file(dir.file("desk.in")));
    CHECK(test_support::sha256_file(dir.file("desk.out")) == test_support::sha256_file(dir.file("client.in")));
    // The session is in the directory, reached through the sentinel.
    CHECK(redis.command({"DBSIZE"}) != "0");
}
