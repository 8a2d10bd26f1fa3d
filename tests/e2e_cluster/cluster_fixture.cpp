#include "cluster_fixture.h"

#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <set>

#include "support/sha256.h"

namespace cluster_e2e {

namespace {

test_support::RelayClusterOptions cluster_options(const StackOptions& o, const std::string& redis_url) {
    test_support::RelayClusterOptions c;
    c.nodes = o.nodes;
    c.redis_url = redis_url;
    c.extra_args = o.relay_args;
    c.drain_time_s = o.drain_time_s;
    return c;
}

test_support::HaproxyOptions balancer_options(const test_support::RelayCluster& c) {
    test_support::HaproxyOptions h;
    h.backend_ports = c.ports();
    return h;
}

}  // namespace

Stack::Stack(StackOptions o)
    : redis({o.redis_persistence}),
      cluster(cluster_options(o, redis.url())),
      haproxy(balancer_options(cluster)) {}

e2e::Route route_to(const std::string& base_url, const test_support::RelayCluster& cluster) {
    e2e::Route r;
    r.relay_url = base_url;
    r.ca_file = cluster.ca_file();
    return r;
}

e2e::Route Stack::via_balancer() const { return route_to(haproxy.url(), cluster); }
e2e::Route Stack::via_node(std::size_t i) const { return route_to(cluster.url(i), cluster); }

std::string Stack::diagnostics() const {
    return cluster.logs() + "==== haproxy\n" + haproxy.log() + "==== redis\n" + redis.log();
}

std::vector<std::size_t> nodes_with_connected_sessions(const test_support::RelayCluster& c) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < c.size(); ++i)
        if (c.running(i) && c.metric(i, "tether_relay_sessions{state=\"connected\"}") >= 1) out.push_back(i);
    return out;
}

std::vector<std::string> session_ids(const std::string& log) {
    std::set<std::string> ids;
    const std::regex re("session ([0-9a-f]{8})");
    for (std::sregex_iterator it(log.begin(), log.end(), re), end; it != end; ++it) ids.insert((*it)[1]);
    return {ids.begin(), ids.end()};
}

std::size_t count_matches(const std::string& text, const std::string& re) {
    const std::regex rx(re);
    return static_cast<std::size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), rx), std::sregex_iterator()));
}

std::unique_ptr<Pair> paced_pair(const Stack& s, const test_support::TempDir& dir, int i, std::uint64_t size,
                                 std::uint64_t seed, const std::vector<std::uint64_t>& marks, Gate& gate,
                                 std::size_t chunk, std::chrono::milliseconds pace) {
    auto p = std::make_unique<Pair>();
    p->name = "session " + std::to_string(i);
    p->desk_in = dir.file(std::to_string(i) + ".desk.in");
    p->client_in = dir.file(std::to_string(i) + ".client.in");
    p->desk_out = dir.file(std::to_string(i) + ".desk.out");
    p->client_out = dir.file(std::to_string(i) + ".client.out");
    test_support::write_random_file(p->desk_in, size, seed + 2 * i);
    test_support::write_random_file(p->client_in, size, seed + 2 * i + 1);
    p->desk = e2e::start_open(s.via_balancer(), "", p->desk_out);
    p->client = e2e::start_join(s.via_balancer(), p->desk.code, "", p->client_out);
    p->desk_feed = feed(*p->desk.proc, p->desk_in, marks, gate, chunk, pace);
    p->client_feed = feed(*p->client, p->client_in, marks, gate, chunk, pace);
    return p;
}

Pair::~Pair() {
    if (desk.proc) desk.proc->kill_group(std::chrono::milliseconds(0));
    if (client) client->kill_group(std::chrono::milliseconds(0));
    if (desk_feed.joinable()) desk_feed.join();
    if (client_feed.joinable()) client_feed.join();
}

bool Pair::finish(std::chrono::milliseconds timeout, std::string& why) {
    if (desk_feed.joinable()) desk_feed.join();
    if (client_feed.joinable()) client_feed.join();
    int c = -1, d = -1;
    try {
        c = client->wait(timeout);
        d = desk.proc->wait(timeout);
    } catch (const std::exception& e) {
        why = name + ": " + e.what();
    }
    if (c == 0 && d == 0) return true;
    why += name + ": desk exit " + std::to_string(d) + ", client exit " + std::to_string(c) + "\ndesk stderr:\n" +
           desk.proc->err() + "\nclient stderr:\n" + client->err();
    return false;
}

bool Pair::intact() const {
    return test_support::sha256_file(client_out) == test_support::sha256_file(desk_in) &&
           test_support::sha256_file(desk_out) == test_support::sha256_file(client_in);
}

}  // namespace cluster_e2e
