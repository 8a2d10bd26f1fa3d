// The cluster fixtures themselves, without a relay: a Redis restart keeps
// what was written (with persistence) on the same port, a replica follows
// its master, and Sentinel promotes the replica when the master dies. The
// cluster tests rely on each of these behaving as a real deployment would.
#include <catch2/catch.hpp>

#include <thread>

#include "support/haproxy.h"
#include "support/net.h"
#include "support/redis.h"
#include "support/relay_cluster.h"

using namespace std::chrono_literals;

namespace {

// key.pem and cert.pem (self-signed, CN=localhost) in `dir`, for the
// `openssl s_server` backends that stand in for nodes.
void make_certificate(const test_support::TempDir& dir) {
    auto r = test_support::run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                "-nodes", "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem"), "-days", "1",
                                "-subj", "/CN=localhost"});
    REQUIRE(r.code == 0);
}

}  // namespace

TEST_CASE("redis restarts on its port and keeps data with persistence; sentinel fails over", "[fixtures]") {
    test_support::RedisServer redis({/*persistence=*/true});
    CHECK(redis.command({"SET", "tether:probe", "1"}) == "OK");
    int port = redis.port();
    redis.restart();
    CHECK(redis.port() == port);
    CHECK(redis.command({"GET", "tether:probe"}) == "1");
    INFO("dump: " << redis.dump());
    CHECK(redis.dump() == "tether:probe (string): 1\n");
    redis.crash();
    CHECK_THROWS(test_support::redis_command(port, {"PING"}, 1s));

    test_support::RedisServer master;
    test_support::RedisServer replica({false, master.port()});
    CHECK(master.command({"SET", "k", "v"}) == "OK");
    // The replica is in sync before the master goes.
    bool synced = false;
    for (int i = 0; i < 200 && !synced; ++i) {
        synced = replica.command({"GET", "k"}) == "v";
        if (!synced) std::this_thread::sleep_for(50ms);
    }
    REQUIRE(synced);
    test_support::SentinelOptions so;
    so.master_port = master.port();
    test_support::Sentinel sentinel(so);
    CHECK(sentinel.url() == "sentinel://127.0.0.1:" + std::to_string(sentinel.port()) + "/tether");
    CHECK(sentinel.master_port() == master.port());
    // The sentinel learns of the replica from the master's INFO (every 10 s).
    REQUIRE(sentinel.wait_for_replica(replica.port(), 15s));
    master.crash();
    INFO("sentinel log:\n" << sentinel.log());
    CHECK(sentinel.wait_for_failover(30s) == replica.port());
    CHECK(replica.command({"SET", "k2", "v2"}) == "OK");  // now a master
}

TEST_CASE("haproxy checks /readyz over TLS, marks a dead backend down within a second", "[fixtures]") {
    // Two `openssl s_server -www` (any GET answers 200) stand in for nodes.
    test_support::TempDir dir;
    make_certificate(dir);
    std::vector<std::unique_ptr<test_support::Process>> backends;
    std::vector<int> ports;
    for (int i = 0; i < 3; ++i) {
        ports.push_back(test_support::free_port());
        test_support::ProcessOptions o;
        o.argv = {"openssl", "s_server", "-www", "-accept", "127.0.0.1:" + std::to_string(ports.back()), "-cert",
                  dir.file("cert.pem"), "-key", dir.file("key.pem")};
        o.stdin_path = "/dev/null";
        backends.push_back(std::make_unique<test_support::Process>(o));
        REQUIRE(test_support::wait_for_port(ports.back(), 10s));
    }
    test_support::HaproxyOptions ho;
    ho.backend_ports = {ports[0], ports[1]};
    test_support::Haproxy haproxy(ho);  // returns once both passed their check
    INFO("haproxy.cfg:\n" << haproxy.config() << "\nlog:\n" << haproxy.log());
    CHECK(haproxy.config().find("option httpchk GET /readyz\n") != std::string::npos);
    CHECK(haproxy.config().find("check check-ssl verify none inter 500 fall 1 rise 1") != std::string::npos);
    auto states = haproxy.backend_states();
    CHECK(states["node0"] == "UP");
    CHECK(states["node1"] == "UP");
    // TLS passes through: the backend's certificate answers.
    auto a = test_support::https_request(haproxy.url("localhost"), dir.file("cert.pem"), "GET", "/");
    CHECK(a.status == 200);
    backends[1].reset();  // killed
    auto t0 = std::chrono::steady_clock::now();
    CHECK(haproxy.wait_for_backend(1, false, 5s));
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    CHECK(haproxy.backend_states()["node0"] == "UP");
    haproxy.restart();  // same port; HAProxy starts with every server UP until its first check
    CHECK(haproxy.wait_for_backend(1, false, 5s));
    CHECK(haproxy.backend_states()["node0"] == "UP");
}

TEST_CASE("conf/cluster's haproxy.cfg and sentinel.conf run with the test's addresses", "[fixtures]") {
    test_support::TempDir dir;
    make_certificate(dir);
    std::vector<std::unique_ptr<test_support::Process>> backends;
    test_support::HaproxyOptions ho;
    for (int i = 0; i < 3; ++i) {
        ho.backend_ports.push_back(test_support::free_port());
        test_support::ProcessOptions o;
        o.argv = {"openssl", "s_server", "-www", "-accept", "127.0.0.1:" + std::to_string(ho.backend_ports.back()),
                  "-cert", dir.file("cert.pem"), "-key", dir.file("key.pem")};
        o.stdin_path = "/dev/null";
        backends.push_back(std::make_unique<test_support::Process>(o));
        REQUIRE(test_support::wait_for_port(ho.backend_ports.back(), 10s));
    }
    ho.example_config = std::string(TETHER_SOURCE_DIR) + "/conf/cluster/haproxy.cfg";
    test_support::Haproxy haproxy(ho);  // each of the three passed the example's check
    INFO("haproxy.cfg as run:\n" << haproxy.config() << "\nlog:\n" << haproxy.log());
    CHECK(haproxy.config().find("check check-ssl verify none inter 500 fall 1 rise 1") != std::string::npos);
    CHECK(haproxy.backend_states().size() == 3);
    CHECK(test_support::https_request(haproxy.url("localhost"), dir.file("cert.pem"), "GET", "/").status == 200);

    test_support::RedisServer master;
    test_support::SentinelOptions so;
    so.master_port = master.port();
    so.example_config = std::string(TETHER_SOURCE_DIR) + "/conf/cluster/sentinel.conf";
    test_support::Sentinel sentinel(so);  // monitors the master named in the example
    CHECK(sentinel.url() == "sentinel://127.0.0.1:" + std::to_string(sentinel.port()) + "/tether");
    CHECK(sentinel.master_port() == master.port());
}
