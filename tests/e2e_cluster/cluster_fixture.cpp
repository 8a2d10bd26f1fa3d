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

std::uint64_t file_size(const std::string& path) {
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

bool wait_for_size(const std::string& path, std::uint64_t bytes, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (file_size(path) < bytes) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

void Gate::open(int stage) {
    std::lock_guard<std::mutex> lk(mu_);
    stage_ = stage;
    cv_.notify_all();
}

void Gate::wait(int stage) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return stage_ >= stage; });
}

std::thread feed(e2e::Process& p, const std::string& path, std::vector<std::uint64_t> marks, Gate& gate,
                 std::size_t chunk, std::chrono::milliseconds pace) {
    return std::thread([&p, path, marks, &gate, chunk, pace] {
        std::ifstream in(path, std::ios::binary);
        std::string buf(chunk, '\0');
        std::uint64_t sent = 0;
        std::size_t stage = 0;
        try {
            while (in.read(&buf[0], static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
                while (stage < marks.size() && sent >= marks[stage]) gate.wait(static_cast<int>(++stage));
                p.write_stdin(buf.substr(0, static_cast<std::size_t>(in.gcount())));
                sent += static_cast<std::uint64_t>(in.gcount());
                if (pace.count()) std::this_thread::sleep_for(pace);
            }
        } catch (const std::exception&) {
            // the process died: the test's checks say so
        }
        p.close_stdin();
    });
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
