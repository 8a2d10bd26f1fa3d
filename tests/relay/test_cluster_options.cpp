// A cluster's options (issue 18, docs/RELAY.md "A cluster"): parsed by the
// relay's one loader, from the command line and relay.conf; bad values and
// incomplete sets refused with a sentence that says what to do. And without
// --redis nothing changes: /readyz is the only new thing one relay serves.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "cluster_redis.h"
#include "relay/options.h"
#include "relay_harness.h"

using namespace relay;

namespace {

std::string secret_file(const relay_test::TempDir& dir, const std::string& text, mode_t mode) {
    const std::string path = dir.path() + "/secret-" + std::to_string(mode) + "-" + std::to_string(text.size());
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
}

Config parse(std::vector<std::string> args) {
    std::vector<const char*> argv{"tether-relay"};
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out;
    auto c = parse_options(static_cast<int>(argv.size()), argv.data(), out);
    REQUIRE(c);
    return *c;
}

// The message parse_options throws for `args` ("" if it accepts them).
std::string refusal(std::vector<std::string> args) {
    try {
        parse(std::move(args));
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("Redis URLs: redis://HOST:PORT[/DB] and sentinel://HOST:PORT[,...]/MASTER") {
    auto u = parse_redis_url("redis://10.0.0.5:6379");
    CHECK_FALSE(u.sentinel);
    REQUIRE(u.hosts.size() == 1);
    CHECK(u.hosts[0] == std::make_pair(std::string("10.0.0.5"), 6379));
    CHECK(u.db == 0);
    CHECK(parse_redis_url("redis://[::1]:6380/3").hosts[0].first == "::1");
    CHECK(parse_redis_url("redis://[::1]:6380/3").db == 3);
    auto s = parse_redis_url("sentinel://10.0.0.1:26379,10.0.0.2:26379/tether");
    CHECK(s.sentinel);
    CHECK(s.hosts.size() == 2);
    CHECK(s.hosts[1].second == 26379);
    CHECK(s.master == "tether");
    // One row per malformed URL.
    for (const char* bad : {"", "redis://", "redis://host", "redis://host:", "redis://host:0", "redis://host:99999",
                            "redis://host:6379/x", "http://host:6379", "sentinel://host:26379",
                            "sentinel://host:26379/", "sentinel://host:26379,/m", "redis://:6379"}) {
        INFO(bad);
        CHECK_THROWS_WITH(parse_redis_url(bad), Catch::Contains("use redis://HOST:PORT[/DB] or sentinel://"));
    }
}

TEST_CASE("cluster options: all of them, from the command line and relay.conf") {
    relay_test::TempDir dir;
    const std::string secret = secret_file(dir, "0123456789abcdef0123456789abcdef\n", 0600);
    Config c = parse({"--redis", "redis://127.0.0.1:6379/2", "--node-id", "relay-a:8443", "--cluster-listen",
                      "10.1.2.3:9443", "--cluster-advertise", "10.1.2.3:9443", "--cluster-secret-file", secret});
    CHECK(c.redis_url == "redis://127.0.0.1:6379/2");
    CHECK(c.node_id == "relay-a:8443");
    CHECK(c.cluster_listen_host == "10.1.2.3");
    CHECK(c.cluster_listen_port == 9443);
    CHECK(c.cluster_advertise == "10.1.2.3:9443");
    CHECK(c.cluster_secret_file == secret);

    const std::string conf = dir.path() + "/relay.conf";
    std::ofstream(conf) << "redis = sentinel://127.0.0.1:26379/tether\nnode_id = b\ncluster_listen = 127.0.0.1:0\n"
                           "cluster_secret_file = " << secret << "\n";
    Config f = parse({"--config", conf});
    CHECK(f.redis_url == "sentinel://127.0.0.1:26379/tether");
    CHECK(f.node_id == "b");
    CHECK(f.cluster_listen_port == 0);
    CHECK(f.cluster_advertise.empty());  // the listener's address, once bound
}

TEST_CASE("without --redis: one relay, no cluster settings") {
    Config c = parse({});
    CHECK(c.redis_url.empty());
    CHECK(c.cluster_listen_port == -1);
}

TEST_CASE("bad cluster options are refused with what to do") {
    relay_test::TempDir dir;
    const std::string good = secret_file(dir, "0123456789abcdef0123456789abcdef", 0600);
    const std::string open = secret_file(dir, "0123456789abcdef0123456789abcdef", 0644);
    const std::string short_one = secret_file(dir, "tooshort", 0600);
    const std::vector<std::string> base{"--redis", "redis://127.0.0.1:6379", "--cluster-listen", "127.0.0.1:0"};
    auto with = [&base](std::vector<std::string> more) {
        auto a = base;
        a.insert(a.end(), more.begin(), more.end());
        return a;
    };
    struct Row {
        std::vector<std::string> args;
        const char* says;
    };
    const std::vector<Row> rows = {
        {{"--redis", "localhost:6379"}, "use redis://HOST:PORT[/DB] or sentinel://"},
        {{"--redis", "redis://127.0.0.1:6379", "--cluster-secret-file", good}, "--redis needs --cluster-listen"},
        {{"--redis", "redis://127.0.0.1:6379", "--cluster-listen", "127.0.0.1:0"}, "--redis needs --cluster-secret-file"},
        {{"--cluster-listen", "127.0.0.1:0"}, "--cluster-listen needs --redis"},
        {{"--node-id", "a"}, "--node-id needs --redis"},
        {with({"--cluster-secret-file", good, "--node-id", "has space"}), "use 1 to 64 letters"},
        {{"--redis", "redis://127.0.0.1:6379", "--cluster-secret-file", good, "--cluster-listen", "nowhere"}, "use ADDR:PORT"},
        {with({"--cluster-secret-file", good, "--cluster-advertise", "10.0.0.1"}), "use ADDR:PORT"},
        {with({"--cluster-secret-file", dir.path() + "/missing"}), "does not exist: make it with `openssl rand"},
        {with({"--cluster-secret-file", open}), "is readable by others: chmod 600"},
        {with({"--cluster-secret-file", short_one}), "fewer than 16 characters"},
    };
    for (const Row& r : rows) {
        std::string joined;
        for (const auto& a : r.args) joined += a + " ";
        INFO(joined);
        CHECK_THAT(refusal(r.args), Catch::Contains(r.says));
    }
    CHECK(refusal(with({"--cluster-secret-file", good})).empty());
}

TEST_CASE("one relay (no --redis): /readyz answers ready, draining after SIGTERM's begin_drain; /metrics has no cluster lines") {
    relay_test::TempDir state;
    relay::Config c;
    c.listen_host = "127.0.0.1";
    c.listen_port = 0;
    c.dev = true;
    c.state_dir = state.path();
    relay::Log log(relay::LogLevel::error, [](const std::string&) {});
    relay::RelayServer server(c, log);
    const int port = server.start();
    auto client = [&] {
        auto cli = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
        cli->set_ca_cert_path(server.dev_ca_file().c_str());
        cli->enable_server_certificate_verification(true);
        return cli;
    };
    auto ready = client()->Get("/readyz");
    REQUIRE(ready);
    CHECK(ready->status == 200);
    CHECK(ready->body == "ready\n");
    auto metrics = client()->Get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->body.find("node_info") == std::string::npos);
    CHECK(metrics->body.find("adopted") == std::string::npos);
    CHECK(server.cluster_port() == -1);
    server.begin_drain();
    auto draining = client()->Get("/readyz");
    REQUIRE(draining);
    CHECK(draining->status == 503);
    CHECK(draining->body == "draining\n");
    server.stop();
}
