// Shared pieces of the relay cluster's end-to-end tests (issue 18): a whole
// deployment on 127.0.0.1 (Redis, N tether-relay nodes, HAProxy in front),
// tether-tunnel routes to the balancer or to one node, transfers fed from
// files with gates, and where a session lives.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/haproxy.h"
#include "support/redis.h"
#include "support/relay_cluster.h"
#include "tunnel_fixture.h"

namespace cluster_e2e {

constexpr std::uint64_t kMiB = 1024 * 1024;

struct StackOptions {
    std::size_t nodes = 3;
    bool redis_persistence = false;
    std::vector<std::string> relay_args;  // for every node
    int drain_time_s = 15;
};

// Redis, then the nodes, then HAProxy in front of them (every node passed
// its /readyz check when the constructor returns).
class Stack {
public:
    explicit Stack(StackOptions o = {});
    test_support::RedisServer redis;
    test_support::RelayCluster cluster;
    test_support::Haproxy haproxy;

    e2e::Route via_balancer() const;           // tether-tunnel through HAProxy
    e2e::Route via_node(std::size_t i) const;  // straight to node i
    // Everything the pieces logged, for INFO() on failure.
    std::string diagnostics() const;
};

// Route to `base_url` trusting the cluster's certificate; DIRECT (no proxy
// from the environment: 127.0.0.1 is bypassed anyway).
e2e::Route route_to(const std::string& base_url, const test_support::RelayCluster& cluster);

// Nodes whose /metrics count at least one connected session homed there.
std::vector<std::size_t> nodes_with_connected_sessions(const test_support::RelayCluster& c);

// The short session ids ("session 1a2b3c4d") named in a relay log.
std::vector<std::string> session_ids(const std::string& log);
// How often `re` matches in `text`.
std::size_t count_matches(const std::string& text, const std::string& re);

std::uint64_t file_size(const std::string& path);
// Waits until `path` holds at least `bytes` (its writer is another process).
bool wait_for_size(const std::string& path, std::uint64_t bytes, std::chrono::milliseconds timeout);

// Lets feeders go on, stage by stage.
class Gate {
public:
    void open(int stage);
    void wait(int stage);

private:
    std::mutex mu_;
    std::condition_variable cv_;
    int stage_ = 0;
};

// Opens `gate` completely when it goes out of scope: declared after the
// feeders' owners, it lets them finish when a test stops early.
struct OpenOnExit {
    Gate& gate;
    ~OpenOnExit() { gate.open(1 << 30); }
};

// Feeds `path` into p's stdin pipe in `chunk`-byte writes, then closes it.
// Before byte offset marks[i] it waits for gate stage i + 1; between writes
// it sleeps `pace` (0: as fast as the pipe takes it).
std::thread feed(e2e::Process& p, const std::string& path, std::vector<std::uint64_t> marks, Gate& gate,
                 std::size_t chunk = 256 * 1024, std::chrono::milliseconds pace = std::chrono::milliseconds(0));

// One desk (`open`) and one client (`join`) on their routes, fed from
// files through stdin pipes; outputs "<name>.desk.out" / "<name>.client.out".
struct Pair {
    ~Pair();  // kills both processes, then joins the feeders
    std::string name, desk_in, client_in, desk_out, client_out;
    e2e::Opened desk;
    std::unique_ptr<e2e::Process> client;
    std::thread desk_feed, client_feed;
    // Waits for both feeds and exits; false (with `why`) on a failure.
    bool finish(std::chrono::milliseconds timeout, std::string& why);
    bool intact() const;  // SHA-256 of each output equals the other side's input
};

}  // namespace cluster_e2e
