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

#include "support/file_growth.h"
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

// The feeders and the file waits are tests/e2e_tunnel's and test_support's.
using e2e::Gate;
using e2e::OpenOnExit;
using e2e::feed;
using test_support::file_size;
using test_support::wait_for_size;

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

// Pair number `i` through the balancer, each side fed `size` random bytes
// (seeds seed + 2i, seed + 2i + 1) in `chunk`-byte writes every `pace`,
// held at `marks` by `gate` (see feed()). Files "<i>.desk.in" ... in `dir`.
std::unique_ptr<Pair> paced_pair(const Stack& s, const test_support::TempDir& dir, int i, std::uint64_t size,
                                 std::uint64_t seed, const std::vector<std::uint64_t>& marks, Gate& gate,
                                 std::size_t chunk, std::chrono::milliseconds pace);

}  // namespace cluster_e2e
