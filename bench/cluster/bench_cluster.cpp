// bench_cluster (issue 18): the relay cluster against itself, in one run.
//   1. Session creates + joins per second through HAProxy: one node versus
//      three (target >= 2.5x), each a fresh TLS connection as endpoints
//      make them, with the CPU each process spent per 1,000 pairs.
//   2. A session paired across nodes (desk at node 0, client at node 1:
//      forwarded over the cluster listener) versus one paired on a single
//      node (both at node 0), with tether-tunnel open/join: bulk MiB/s
//      (target >= 0.8x) and the median round trip of a 64-byte line
//      (target <= 1.3x); the two alternate, medians of --repeat runs.
//   3. A node's death: a session with traffic through HAProxy, kill -9 of
//      the node holding it, time until 4 MiB more arrived (target < 5 s);
//      each round on a fresh three-node deployment.
// Exit 1 if bytes did not arrive intact or a step failed; the timings never
// fail the run.
//
//   bench_cluster [--seconds S (10)] [--concurrency C (8)] [--megabytes N (100)]
//                 [--round-trips N (200)] [--repeat N (3)] [--kills N (3)]
//                 [--quota CORES (0.05)] [--io-threads N (-1)] [--per-node 0|1 (1)]
// --quota: in step 1 each relay node runs under a CPU quota of CORES cores
// (cgroup v1, cpu_quota.h), so that 3 nodes can show what they add on a
// machine whose cores they otherwise share; 0: no quota. Small enough that
// 3 quoted nodes, not HAProxy, Redis or the bench, stay the bottleneck:
// the "quota used" column says whether they were (near 100 %).
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "bench_client.h"
#include "cpu_quota.h"
#include "proc_threads.h"
#include "support/file_growth.h"
#include "support/haproxy.h"
#include "support/redis.h"
#include "support/relay_cluster.h"
#include "support/sha256.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test_support::Process;
constexpr std::uint64_t kMiB = 1024 * 1024;

struct Args {
    int seconds = 10, concurrency = 8, megabytes = 100, round_trips = 200, repeat = 3, kills = 3;
    double quota = 0.05;  // cores per relay node in step 1; 0: none
    // Step 1's nodes' --io-threads: -1: the cores of the machine a node
    // stands for (its quota rounded up; unquoted: the relay's default); 0: the
    // relay's default (one per core of this machine: 2 threads sharing a
    // 0.05-core quota, what runs before branch pairgap did); N: N.
    int io_threads = -1;
    // 1: step 1 runs C clients per node (C x 3 with 3 nodes), so that every
    // node has as many requests in flight as the single node; 0: C in all
    // (before branch pairgap), where each of 3 nodes has a third of them
    // and wakes ~3x as often per pair (bench/cluster/README.md).
    int per_node = 1;
};

constexpr const char* kUsage =
    "Usage: bench_cluster [--OPTION N]...\n"
    "Starts Redis, tether-relay nodes and HAProxy on 127.0.0.1 and measures issue 18's targets\n"
    "(bench/cluster/README.md). Options (default):\n"
    "  --seconds N       step 1's length (10)\n"
    "  --concurrency C   step 1's clients (8), per node with --per-node 1\n"
    "  --per-node 0|1    C clients per node (1) or C in all (0)\n"
    "  --quota CORES     step 1's CPU quota per node, cgroup v1 (0.05); 0: none\n"
    "  --io-threads N    step 1's --io-threads per node; -1: the quota rounded up (-1)\n"
    "  --megabytes N     step 2's bulk transfer (100)\n"
    "  --round-trips N   step 2's round trips (200)\n"
    "  --repeat N        step 2's alternating runs (3)\n"
    "  --kills N         step 3's kills (3)\n";

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
    if (argc % 2 == 0) throw std::runtime_error(std::string("option ") + argv[argc - 1] + " needs a value (--help)");
    for (int i = 1; i + 1 < argc; i += 2) {
        int v = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--seconds")) a.seconds = v;
        else if (!std::strcmp(argv[i], "--concurrency")) a.concurrency = v;
        else if (!std::strcmp(argv[i], "--megabytes")) a.megabytes = v;
        else if (!std::strcmp(argv[i], "--round-trips")) a.round_trips = v;
        else if (!std::strcmp(argv[i], "--repeat")) a.repeat = v;
        else if (!std::strcmp(argv[i], "--kills")) a.kills = v;
        else if (!std::strcmp(argv[i], "--quota")) a.quota = std::atof(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--io-threads")) a.io_threads = v;
        else if (!std::strcmp(argv[i], "--per-node")) a.per_node = v;
        else throw std::runtime_error(std::string("unknown option ") + argv[i]);
    }
    if (a.seconds < 1 || a.concurrency < 1 || a.megabytes < 1 || a.round_trips < 1 || a.repeat < 1 || a.kills < 0 || a.quota < 0 ||
        a.io_threads < -1 || a.per_node < 0 || a.per_node > 1)
        throw std::runtime_error("values must be positive");
    return a;
}

// Redis, N nodes and HAProxy in front, torn down in reverse.
struct Deployment {
    explicit Deployment(std::size_t nodes, int io_threads = 0)
        : cluster(cluster_options(nodes, redis.url(), io_threads)), haproxy(balancer(cluster)) {}
    static test_support::RelayClusterOptions cluster_options(std::size_t nodes, const std::string& url, int io_threads) {
        test_support::RelayClusterOptions o;
        o.nodes = nodes;
        o.redis_url = url;
        // Every request comes from HAProxy's 127.0.0.1: the per-address
        // limits off, as conf/cluster/relay.conf sets them behind a balancer;
        // the join alarm out of reach (a failed join is a bench error).
        o.extra_args = {"--max-conns-per-ip", "0", "--join-failures-per-ip", "0", "--join-failures-per-prefix", "0",
                        "--join-alarm", "1000000", "--log-level", "warn"};
        if (io_threads > 0) o.extra_args.insert(o.extra_args.end(), {"--io-threads", std::to_string(io_threads)});
        return o;
    }
    static test_support::HaproxyOptions balancer(const test_support::RelayCluster& c) {
        test_support::HaproxyOptions h;
        h.backend_ports = c.ports();
        return h;
    }
    test_support::RedisServer redis;
    test_support::RelayCluster cluster;
    test_support::Haproxy haproxy;
};

double cpu_of(pid_t pid) { return pid > 0 ? relay_bench::cpu_seconds(pid) : 0; }

double own_cpu() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// ---- 1. creates + joins per second ----

struct Rate {
    double pairs_per_s = 0;
    long pairs = 0, errors = 0;
    double cpu_relays = 0, cpu_haproxy = 0, cpu_redis = 0, cpu_bench = 0;  // seconds during the run
    double seconds = 0, quota_used = -1;  // the run's length; share of the nodes' quota spent (-1: no quota)
    double idle_ms_per_s = 0;  // a node's CPU with no requests (health checks, beats, sweeps), mean of the nodes
    std::size_t nodes = 0;
    cluster_bench::ThreadUses threads;           // the relays' threads during the run, by name
    std::map<std::string, long> redis_calls;     // Redis commands during the run, by command
    std::string first_error;
};

// Step 1 on `d`, its nodes under --quota each while it runs.
Rate create_join_rate(Deployment& d, const Args& args);

Rate quoted_rate(Deployment& d, const Args& args, std::string& quota_note) {
    if (args.quota <= 0) {
        quota_note = "no CPU quota (--quota 0): the nodes share the machine's cores with HAProxy, Redis and the bench";
        return create_join_rate(d, args);
    }
    std::vector<pid_t> pids;
    for (std::size_t i = 0; i < d.cluster.size(); ++i) pids.push_back(d.cluster.process(i).pid());
    cluster_bench::CpuQuotas quotas(pids, args.quota);
    char note[200];
    std::snprintf(note, sizeof note, "each relay node limited to %.2f core (cgroup v1 cpu.cfs_quota_us); HAProxy, Redis "
                  "and the bench unlimited", args.quota);
    quota_note = quotas.active() ? note : "CPU QUOTAS UNAVAILABLE (" + quotas.why() + "): the nodes run unquoted";
    Rate r = create_join_rate(d, args);
    if (quotas.active()) r.quota_used = r.cpu_relays / (r.seconds * args.quota * double(d.cluster.size()));
    return r;
}

Rate create_join_rate(Deployment& d, const Args& args) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, d.cluster.ca_file().c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    std::atomic<long> pairs{0}, errors{0};
    std::atomic<bool> stop{false};
    std::mutex mu;
    Rate r;
    auto cpu = [&] {
        double relays = 0;
        for (std::size_t i = 0; i < d.cluster.size(); ++i) relays += cpu_of(d.cluster.process(i).pid());
        return std::array<double, 4>{relays, cpu_of(d.haproxy.pid()), cpu_of(d.redis.pid()), own_cpu()};
    };
    std::vector<pid_t> pids;
    for (std::size_t i = 0; i < d.cluster.size(); ++i) pids.push_back(d.cluster.process(i).pid());
    // What the nodes spend doing nothing: a fixed cost per node, which the
    // per-pair figures below include.
    constexpr auto kIdle = 2s;
    const double idle0 = cluster_bench::cpu_total(pids);
    std::this_thread::sleep_for(kIdle);
    r.idle_ms_per_s = (cluster_bench::cpu_total(pids) - idle0) * 1000 / std::chrono::duration<double>(kIdle).count() / double(pids.size());
    r.nodes = pids.size();
    const auto threads0 = cluster_bench::thread_uses(pids);
    const auto redis0 = cluster_bench::redis_calls(d.redis.command({"INFO", "commandstats"}));
    auto c0 = cpu();
    auto t0 = Clock::now();
    std::vector<std::thread> workers;
    const int clients = args.concurrency * (args.per_node ? int(d.cluster.size()) : 1);
    for (int w = 0; w < clients; ++w)
        workers.emplace_back([&] {
            while (!stop) {
                try {
                    auto created = relay_bench::post_json(ctx, d.haproxy.port(), "/v1/sessions", "{}");
                    auto joined = relay_bench::post_json(ctx, d.haproxy.port(), "/v1/sessions/join",
                                                         "{\"code\":\"" + created.at("code").get<std::string>() + "\"}");
                    if (!joined.contains("token")) throw std::runtime_error("join: " + joined.dump());
                    ++pairs;
                } catch (const std::exception& e) {
                    ++errors;
                    std::lock_guard<std::mutex> lk(mu);
                    if (r.first_error.empty()) r.first_error = e.what();
                }
            }
        });
    std::this_thread::sleep_for(std::chrono::seconds(args.seconds));
    stop = true;
    for (auto& t : workers) t.join();
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    auto c1 = cpu();
    r.threads = cluster_bench::minus(cluster_bench::thread_uses(pids), threads0);
    r.redis_calls = cluster_bench::redis_calls(d.redis.command({"INFO", "commandstats"}));
    for (const auto& [cmd, n] : redis0) r.redis_calls[cmd] -= n;
    SSL_CTX_free(ctx);
    r.pairs = pairs;
    r.errors = errors;
    r.pairs_per_s = double(r.pairs) / secs;
    r.seconds = secs;
    r.cpu_relays = c1[0] - c0[0];
    r.cpu_haproxy = c1[1] - c0[1];
    r.cpu_redis = c1[2] - c0[2];
    r.cpu_bench = c1[3] - c0[3];
    return r;
}

void print_rate(const char* name, const Rate& r) {
    double k = r.pairs ? 1000.0 / double(r.pairs) : 0;
    char used[16] = "-";
    if (r.quota_used >= 0) std::snprintf(used, sizeof used, "%.0f %%", 100 * r.quota_used);
    std::printf("%-8s %10.1f %8ld %7ld   %8.2f %8.2f %8.2f %8.2f   %10s\n", name, r.pairs_per_s, r.pairs, r.errors,
                r.cpu_relays * k, r.cpu_haproxy * k, r.cpu_redis * k, r.cpu_bench * k, used);
    if (!r.first_error.empty()) std::printf("         first error: %s\n", r.first_error.c_str());
    // Where the relays' time went: per thread name, per pair; and the Redis
    // commands a pair cost (INFO commandstats counts EVAL, PUBLISH, ...,
    // and the info call itself once).
    std::printf("         idle: %.2f ms CPU/s per node; per pair by thread (ms CPU, waits, preemptions):",
                r.idle_ms_per_s);
    for (const auto& [name, u] : r.threads)
        std::printf(" %s %.3f %.1f %.1f;", name.c_str(), u.cpu_s * k, double(u.waits) * k / 1000,
                    double(u.preempted) * k / 1000);
    std::printf("\n         Redis calls per pair:");
    for (const auto& [cmd, n] : r.redis_calls)
        if (n > 1) std::printf(" %s %.2f", cmd.c_str(), double(n) * k / 1000);
    std::printf("\n");
}

// ---- 2. one session: bulk and round trip ----

std::vector<std::string> tunnel_argv(const std::string& url, const std::string& ca, std::vector<std::string> args) {
    std::vector<std::string> a = {TETHER_TUNNEL_BIN, "--relay", url, "--ca", ca};
    a.insert(a.end(), args.begin(), args.end());
    return a;
}

std::unique_ptr<Process> tunnel(const std::string& url, const std::string& ca, std::vector<std::string> args,
                                const std::string& out_path) {
    test_support::ProcessOptions o;
    o.argv = tunnel_argv(url, ca, std::move(args));
    o.stdout_path = out_path;
    o.unset_env = {"http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy", "no_proxy", "NO_PROXY",
                   "TETHER_PROXY", "TETHER_RELAY", "TETHER_CONFIG"};
    o.env["XDG_CONFIG_HOME"] = "/nonexistent-tether-bench";
    return std::make_unique<Process>(o);
}

// A desk (a) at `desk_url` and a client (b) at `client_url`, paired.
struct Session {
    std::unique_ptr<Process> a, b;
    Session(const std::string& desk_url, const std::string& client_url, const std::string& ca, const std::string& b_out,
            const std::vector<std::string>& extra = {}) {
        std::vector<std::string> open = extra, join = extra;
        open.push_back("open");
        a = tunnel(desk_url, ca, open, "");
        std::string code = a->wait_for_line(Process::Stream::err, "^TETHER_CODE=([0-9]{6,9})$", 30s).at(1);
        join.insert(join.end(), {"join", code});
        b = tunnel(client_url, ca, join, b_out);
        b->wait_for_line(Process::Stream::err, "^TETHER_AUTH=", 30s);
    }
};

using test_support::file_size;

// Writes `in` into a's stdin in 256 KiB pieces, as fast as it takes them.
// With `hold`: waits at half the file until *hold is false (so that the
// transfer cannot end before the test acted).
std::thread writer(Process& a, const std::string& in, std::atomic<bool>* hold = nullptr) {
    return std::thread([&a, in, hold] {
        std::ifstream f(in, std::ios::binary);
        std::string buf(256 * 1024, '\0');
        const std::uint64_t half = file_size(in) / 2;
        std::uint64_t sent = 0;
        try {
            while (f.read(&buf[0], static_cast<std::streamsize>(buf.size())) || f.gcount() > 0) {
                while (hold && *hold && sent >= half) std::this_thread::sleep_for(1ms);
                a.write_stdin(buf.substr(0, static_cast<std::size_t>(f.gcount())));
                sent += static_cast<std::uint64_t>(f.gcount());
            }
        } catch (const std::exception&) {
            // the process died; the caller's checks say so
        }
    });
}

struct OneSession {
    double mib_per_s = 0, rtt_ms = 0;
    bool intact = false;
};

OneSession measure_session(const std::string& desk_url, const std::string& client_url, const std::string& ca,
                           const test_support::TempDir& dir, const Args& args) {
    OneSession r;
    const std::string in = dir.file("bulk.in"), out = dir.file("bulk.out");
    {
        Session s(desk_url, client_url, ca, out);
        const std::uint64_t size = file_size(in);
        auto t0 = Clock::now();
        std::thread w = writer(*s.a, in);
        while (file_size(out) < size && Clock::now() < t0 + 300s) std::this_thread::sleep_for(1ms);
        r.mib_per_s = double(size) / kMiB / std::chrono::duration<double>(Clock::now() - t0).count();
        w.join();
        r.intact = test_support::sha256_file(out) == test_support::sha256_file(in);
    }
    Session s(desk_url, client_url, ca, "");
    std::vector<double> ms;
    std::string expected;
    const std::string pad(48, 'x');
    for (int i = 0; i < args.round_trips; ++i) {
        std::string tag = "ping " + std::to_string(i) + " ", line = tag + pad + "\n";
        expected += line;
        auto t0 = Clock::now();
        s.a->write_stdin(line);
        s.b->wait_for_line(Process::Stream::out, "^" + tag, 10s);
        s.b->write_stdin(line);
        s.a->wait_for_line(Process::Stream::out, "^" + tag, 10s);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    r.intact = r.intact && s.a->out() == expected && s.b->out() == expected;
    std::sort(ms.begin(), ms.end());
    r.rtt_ms = ms[ms.size() / 2];
    return r;
}

OneSession median(std::vector<OneSession> runs) {
    OneSession m;
    m.intact = std::all_of(runs.begin(), runs.end(), [](const OneSession& r) { return r.intact; });
    auto mid = runs.size() / 2;
    std::nth_element(runs.begin(), runs.begin() + mid, runs.end(),
                     [](const OneSession& a, const OneSession& b) { return a.mib_per_s < b.mib_per_s; });
    m.mib_per_s = runs[mid].mib_per_s;
    std::nth_element(runs.begin(), runs.begin() + mid, runs.end(),
                     [](const OneSession& a, const OneSession& b) { return a.rtt_ms < b.rtt_ms; });
    m.rtt_ms = runs[mid].rtt_ms;
    return m;
}

// ---- 3. a node's death ----

// The node whose metrics count a connected session, or -1.
int home_node(const test_support::RelayCluster& c) {
    for (std::size_t i = 0; i < c.size(); ++i)
        if (c.running(i) && c.metric(i, "tether_relay_sessions{state=\"connected\"}") >= 1) return static_cast<int>(i);
    return -1;
}

// Seconds from kill -9 of the session's node to 4 MiB more arriving; -1 if
// it never did within 60 s. `d` is fresh: one death per deployment, so that
// no round depends on how the last one left the cluster (a node restarted
// under its old id is e2e.cluster.node_restart's subject).
double death_to_flow(Deployment& d, const test_support::TempDir& dir, int round) {
    const std::string in = dir.file("bulk.in"), out = dir.file("death" + std::to_string(round) + ".out");
    Session s(d.haproxy.url(), d.haproxy.url(), d.cluster.ca_file(), out, {"--heartbeat-ms", "500"});
    std::atomic<bool> hold{true};
    std::thread w = writer(*s.a, in, &hold);
    double secs = -1;
    if (file_size(in) >= 16 * kMiB) {
        const auto deadline = Clock::now() + 60s;
        while (file_size(out) < 4 * kMiB && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
        int home = home_node(d.cluster);
        if (home >= 0) {
            const std::uint64_t at = file_size(out);
            auto t0 = Clock::now();
            d.cluster.kill(static_cast<std::size_t>(home));
            hold = false;
            while (file_size(out) < at + 4 * kMiB && Clock::now() < t0 + 60s) std::this_thread::sleep_for(1ms);
            if (file_size(out) >= at + 4 * kMiB) secs = std::chrono::duration<double>(Clock::now() - t0).count();
        }
    }
    hold = false;
    s.a->kill_group(0ms);  // unblocks the writer
    w.join();
    return secs;
}

int run(const Args& args) {
    test_support::TempDir dir("tether-bench-cluster");
    test_support::write_random_file(dir.file("bulk.in"), std::uint64_t(args.megabytes) * kMiB, 17);
    bool ok = true;

    // A node under a quota stands for a machine of that many cores, where
    // the relay's default would run that many io threads (rounded up), not
    // one per core of this machine.
    const int io_threads = args.io_threads >= 0 ? args.io_threads
                           : args.quota > 0    ? int(std::ceil(args.quota))
                                               : 0;
    std::printf("1. creates + joins through HAProxy: %d s, %d concurrent clients%s, a fresh TLS connection per request; "
                "io threads per node: %s\n",
                args.seconds, args.concurrency, args.per_node ? " per node" : "",
                io_threads ? std::to_string(io_threads).c_str() : "the relay's default (one per core)");
    std::printf("%-8s %10s %8s %7s   %s\n", "nodes", "pairs/s", "pairs", "errors",
                "CPU s per 1000 pairs: relays  haproxy    redis    bench   quota used");
    Rate one, three;
    std::string note_one, note_three;
    {
        Deployment d(1, io_threads);
        one = quoted_rate(d, args, note_one);
    }
    print_rate("1", one);
    {
        Deployment d(3, io_threads);
        three = quoted_rate(d, args, note_three);
    }
    print_rate("3", three);
    if (note_three == note_one) std::printf("   %s\n", note_one.c_str());
    else std::printf("   1 node: %s\n   3 nodes: %s\n", note_one.c_str(), note_three.c_str());
    std::printf("   creates+joins 3 nodes / 1 node: %.2f (target >= 2.50)\n",
                one.pairs_per_s > 0 ? three.pairs_per_s / one.pairs_per_s : 0);
    ok = ok && one.pairs > 0 && three.pairs > 0;
    std::fflush(stdout);

    Deployment d(3);  // the relay's defaults
    std::vector<OneSession> same, cross;
    const std::string ca = d.cluster.ca_file();
    // A run that fails is reported and left out of the medians (exit 1).
    auto attempt = [&](std::vector<OneSession>& runs, std::size_t client_node, const char* name) {
        try {
            runs.push_back(measure_session(d.cluster.url(0), d.cluster.url(client_node), ca, dir, args));
        } catch (const std::exception& e) {
            std::printf("   %s run failed: %s\n", name, e.what());
            ok = false;
        }
    };
    for (int i = 0; i < args.repeat; ++i) {
        attempt(same, 0, "one-node");
        attempt(cross, 1, "cross-node");
    }
    if (same.empty() || cross.empty()) {
        std::printf("2. no complete run of one of the two ways\n");
        same.push_back({});
        cross.push_back({});
    }
    OneSession s = median(same), c = median(cross);
    ok = ok && s.intact && c.intact;
    std::printf("\n2. one session, tether-tunnel open/join: %d MiB bulk, %d round trips, median of %d alternating runs\n",
                args.megabytes, args.round_trips, args.repeat);
    std::printf("%-28s %12s %14s %8s\n", "", "bulk MiB/s", "RTT median ms", "intact");
    std::printf("%-28s %12.1f %14.3f %8s\n", "one node (desk, client: 0)", s.mib_per_s, s.rtt_ms, s.intact ? "yes" : "NO");
    std::printf("%-28s %12.1f %14.3f %8s\n", "across nodes (0 and 1)", c.mib_per_s, c.rtt_ms, c.intact ? "yes" : "NO");
    std::fflush(stdout);

    std::vector<double> deaths;
    for (int i = 0; i < args.kills; ++i) {
        try {
            Deployment fresh(3);
            deaths.push_back(death_to_flow(fresh, dir, i));
        } catch (const std::exception& e) {
            std::printf("   round %d failed: %s\n", i, e.what());
            deaths.push_back(-1);
        }
    }
    std::printf("\n3. kill -9 of the node holding a session with traffic (through HAProxy): seconds to 4 MiB more\n   ");
    for (double t : deaths) std::printf(" %s", t < 0 ? "NEVER" : std::to_string(t).substr(0, 5).c_str());
    std::sort(deaths.begin(), deaths.end());
    bool all_flowed = std::none_of(deaths.begin(), deaths.end(), [](double t) { return t < 0; });
    ok = ok && all_flowed;
    double worst = deaths.empty() ? 0 : deaths.back();
    std::printf("\n\nratios: creates+joins 3 nodes / 1 node %.2f (target >= 2.50); across / one node: RTT %.2f "
                "(target <= 1.30), throughput %.2f (target >= 0.80); death to flow worst %.2f s (target < 5)\n",
                one.pairs_per_s > 0 ? three.pairs_per_s / one.pairs_per_s : 0, s.rtt_ms > 0 ? c.rtt_ms / s.rtt_ms : 0,
                s.mib_per_s > 0 ? c.mib_per_s / s.mib_per_s : 0, all_flowed ? worst : -1);
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        relay_bench::raise_own_fd_limit();
        ::signal(SIGPIPE, SIG_IGN);
        return run(parse(argc, argv));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_cluster: %s\n", e.what());
        return 1;
    }
}
