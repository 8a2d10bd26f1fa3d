// relay_bench_idle: RSS, threads, CPU of a real tether-relay holding N idle
// paired sessions in stream mode (4 TLS connections each: two downlinks, two
// uplinks that send a ping every heartbeat like real endpoints), and the
// round trip (p50, p99) of one more session that is active meanwhile
// (sampled throughout the hold: 50 samples per second held).
//   relay_bench_idle [--sessions N[,N2,...]] [--hold S] [--relay PATH]
//                    [--baseline PATH [--baseline-sessions N[,N2,...]]] [--floor]
// Levels are reached one after the other in one relay (ascending). With
// --baseline, a second relay (the thread-per-connection one of commit
// 48a33cc: scripts/build-relay-baseline.sh builds it) runs the same levels
// (or --baseline-sessions) afterwards, and a table puts both side by side
// with ratios. --floor first runs the same levels against the floor
// (heartbeat_floor.h: a bare epoll + OpenSSL loop answering the same pings)
// and adds it to the table. Exit status 0 if every stream of the tested
// relay (and of the floor) stayed up.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_client.h"
#include "heartbeat_floor.h"

namespace {

using namespace relay_bench;

// One more paired session whose desk side pings and waits for each pong:
// the round trip through the relay of a session that is active while the
// others idle.
class ActiveSession {
public:
    ActiveSession(SSL_CTX* ctx, int port) {
        auto created = post_json(ctx, port, "/v1/sessions", "{}");
        auto joined = post_json(ctx, port, "/v1/sessions/join", nlohmann::json{{"code", created["code"]}}.dump());
        desk_ = open_side(ctx, port, created["token"]);
        client_ = open_side(ctx, port, joined["token"]);
    }
    // Round trips in microseconds, `n` of them one after the other.
    std::vector<double> round_trips(int n) {
        std::vector<double> out;
        for (int i = 0; i < n; ++i) {
            const std::uint64_t stamp = ++stamp_ + 0x5eed0000;
            std::string ping;
            wire::append_u64_frame(ping, wire::FrameType::ping, stamp);
            std::string pong = ping;
            pong[0] = static_cast<char>(wire::FrameType::pong);
            const auto t0 = std::chrono::steady_clock::now();
            desk_.up->write(chunk(ping));
            if (!desk_.down->read_until(pong, 10s)) throw std::runtime_error("no pong within 10 s");
            out.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
            client_.down->drain();
        }
        return out;
    }
    void keep_alive() {
        for (auto* s : {&desk_, &client_}) {
            s->up->write(ping_chunk());
            s->down->drain();
        }
    }

private:
    SideStreams desk_, client_;
    std::uint64_t stamp_ = 0;
};

struct Level {
    int sessions;
    long rss_kb, threads;
    double cpu_percent, rtt_p50_us, rtt_p99_us;
    long connected;
    bool alive;
    double us_per_ping;  // the server's CPU per round trip (heartbeats and probes), microseconds
};

std::vector<int> parse_levels(const std::string& list) {
    std::vector<int> out;
    std::stringstream in(list);
    std::string item;
    while (std::getline(in, item, ',')) out.push_back(std::stoi(item));
    return out;
}

struct Run {
    long rss0 = 0, threads0 = 0;
    std::vector<Level> levels;
    bool ok = false;
};

// One relay through every level in `levels`.
Run run_relay(const std::string& binary, const std::vector<int>& levels, int hold_s) {
    char tmpl[] = "/tmp/relay-bench-XXXXXX";
    const std::string state = mkdtemp(tmpl);
    Relay relay = start_relay(binary, state);
    Run run;
    try {
        SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_load_verify_locations(ctx, relay.ca.c_str(), nullptr);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
        std::this_thread::sleep_for(200ms);
        run.rss0 = proc_status(relay.pid, "VmRSS");
        run.threads0 = proc_status(relay.pid, "Threads");
        std::cout << binary << " idle: rss_kb=" << run.rss0 << " threads=" << run.threads0 << std::endl;
        ActiveSession active(ctx, relay.port);
        std::vector<SideStreams> streams;
        bool all_alive = true;
        for (int target : levels) {
            const auto t0 = std::chrono::steady_clock::now();
            auto last_ping = t0;
            while (static_cast<int>(streams.size()) < 2 * target) {
                auto created = post_json(ctx, relay.port, "/v1/sessions", "{}");
                auto joined = post_json(ctx, relay.port, "/v1/sessions/join", nlohmann::json{{"code", created["code"]}}.dump());
                streams.push_back(open_side(ctx, relay.port, created["token"]));
                streams.push_back(open_side(ctx, relay.port, joined["token"]));
                if (std::chrono::steady_clock::now() - last_ping > 2s) {  // like real endpoints, during a long set-up too
                    for (auto& s : streams) {
                        s.up->write(ping_chunk());
                        s.down->drain();
                    }
                    active.keep_alive();
                    last_ping = std::chrono::steady_clock::now();
                }
            }
            const double setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::cout << "opened " << target << " idle paired sessions (" << 4 * target << " TLS streams; "
                      << setup_s << " s for the new ones)" << std::endl;
            const Held h = hold_idle(relay.pid, streams, hold_s, [&] { return active.round_trips(1).front(); },
                                     [&] { active.keep_alive(); });
            all_alive &= h.alive;
            const double cpu = h.cpu_s / h.held_s;
            Level l{target, proc_status(relay.pid, "VmRSS"), proc_status(relay.pid, "Threads"), 100 * cpu,
                    percentile(h.rtt_us, 0.5), percentile(h.rtt_us, 0.99),
                    metric(ctx, relay.port, "tether_relay_sessions{state=\"connected\"}") - 1, all_alive,
                    1e6 * h.cpu_s / std::max(1L, h.pings)};
            run.levels.push_back(l);
            std::cout << "relay with " << target << " idle sessions, " << hold_s << " s held: rss_kb=" << l.rss_kb
                      << " threads=" << l.threads << " cpu_percent=" << l.cpu_percent
                      << " cpu_us_per_heartbeat=" << l.us_per_ping << " rtt_p50_us=" << l.rtt_p50_us
                      << " rtt_p99_us=" << l.rtt_p99_us << " connected=" << l.connected
                      << " all_streams_alive=" << all_alive << std::endl;
        }
        run.ok = all_alive && !run.levels.empty() && run.levels.back().connected == run.levels.back().sessions;
        streams.clear();
        SSL_CTX_free(ctx);
    } catch (const std::exception& e) {
        std::cerr << "relay_bench_idle: " << binary << ": " << e.what() << std::endl;
    }
    kill(relay.pid, SIGTERM);
    waitpid(relay.pid, nullptr, 0);
    std::filesystem::remove_all(state);
    return run;
}

void print_row(const std::string& name, const Run& run, const Level& l) {
    std::cout << "| " << l.sessions << " | " << name << " | " << l.rss_kb / 1024.0 << " | "
              << (l.rss_kb - run.rss0) / std::max(1, l.sessions) << " | " << l.threads << " | " << l.cpu_percent << " | " << l.us_per_ping << " | "
              << l.rtt_p50_us / 1000 << " / " << l.rtt_p99_us / 1000 << " |\n";
}

// This relay's figure over the baseline's, as "x0.42".
std::string ratio(double ours, double theirs) {
    std::ostringstream o;
    o.precision(2);  // significant digits: threads come out as x0.002
    o << "x" << (theirs > 0 ? ours / theirs : 0.0);
    return o.str();
}

struct Other {
    std::string name;
    const Run* run;
};

void print_tables(const Run& ours, const std::vector<Other>& others) {
    std::cout << "\n| sessions | relay | RSS MB | KB/session | threads | CPU % of a core | CPU us per heartbeat | RTT p50 / p99 ms |\n"
              << "|---|---|---|---|---|---|---|---|\n";
    for (const Level& l : ours.levels) {
        print_row("tested", ours, l);
        for (const Other& o : others)
            for (const Level& b : o.run->levels)
                if (b.sessions == l.sessions) print_row(o.name, *o.run, b);
    }
    for (const Other& o : others) {
        std::cout << "\nratios tested / " << o.name << " (below 1: the tested relay needs less)\n"
                  << "| sessions | RSS per session | threads | CPU | RTT p50 | RTT p99 |\n|---|---|---|---|---|---|\n";
        for (const Level& l : ours.levels)
            for (const Level& b : o.run->levels)
                if (b.sessions == l.sessions)
                    std::cout << "| " << l.sessions << " | "
                              << ratio(double(l.rss_kb - ours.rss0), double(b.rss_kb - o.run->rss0)) << " | "
                              << ratio(l.threads, b.threads) << " | " << ratio(l.cpu_percent, b.cpu_percent) << " | "
                              << ratio(l.rtt_p50_us, b.rtt_p50_us) << " | " << ratio(l.rtt_p99_us, b.rtt_p99_us) << " |\n";
        if (o.run->levels.size() < ours.levels.size())
            std::cout << "(" << o.name << " reached " << o.run->levels.size() << " of the levels)\n";
    }
}

// The floor (heartbeat_floor.h) through the same levels: the same client
// streams and heartbeats, served by a bare epoll + OpenSSL loop.
Run run_floor(const std::vector<int>& levels, int hold_s) {
    Run run;
    try {
        Floor floor;
        std::this_thread::sleep_for(200ms);
        run.rss0 = proc_status(floor.pid(), "VmRSS");
        run.threads0 = proc_status(floor.pid(), "Threads");
        SideStreams active = floor.open_side();
        std::uint64_t stamp = 0x5eed0000;
        auto probe = [&] {
            std::string ping;
            wire::append_u64_frame(ping, wire::FrameType::ping, ++stamp);
            std::string pong = ping;
            pong[0] = static_cast<char>(wire::FrameType::pong);
            const auto t0 = std::chrono::steady_clock::now();
            active.up->write(chunk(ping));
            if (!active.down->read_until(pong, 10s)) throw std::runtime_error("floor: no pong within 10 s");
            return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
        };
        std::vector<SideStreams> streams;
        bool all_alive = true;
        for (int target : levels) {
            while (static_cast<int>(streams.size()) < 2 * target) streams.push_back(floor.open_side());
            const Held h = hold_idle(floor.pid(), streams, hold_s, probe, [] {});
            all_alive &= h.alive;
            Level l{target, proc_status(floor.pid(), "VmRSS"), proc_status(floor.pid(), "Threads"),
                    100 * h.cpu_s / h.held_s, percentile(h.rtt_us, 0.5), percentile(h.rtt_us, 0.99),
                    static_cast<long>(target), all_alive, 1e6 * h.cpu_s / std::max(1L, h.pings)};
            run.levels.push_back(l);
            std::cout << "floor with " << target << " idle sessions, " << hold_s << " s held: rss_kb=" << l.rss_kb
                      << " cpu_percent=" << l.cpu_percent << " cpu_us_per_heartbeat=" << l.us_per_ping
                      << " rtt_p50_us=" << l.rtt_p50_us << " rtt_p99_us=" << l.rtt_p99_us
                      << " all_streams_alive=" << all_alive << std::endl;
        }
        run.ok = all_alive;
    } catch (const std::exception& e) {
        std::cerr << "relay_bench_idle: floor: " << e.what() << std::endl;
    }
    return run;
}

}  // namespace

int main(int argc, char* argv[]) {
    std::string levels_arg = "500", baseline_levels_arg;
    int hold_s = 10;
    bool floor = false;
    std::string binary = TETHER_RELAY_BIN, baseline;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool valued = i + 1 < argc;
        if (a == "--floor") floor = true;
        else if (a == "--sessions" && valued) levels_arg = argv[++i];
        else if (a == "--hold" && valued) hold_s = std::stoi(argv[++i]);
        else if (a == "--relay" && valued) binary = argv[++i];
        else if (a == "--baseline" && valued) baseline = argv[++i];
        else if (a == "--baseline-sessions" && valued) baseline_levels_arg = argv[++i];
        else {
            std::cerr << "relay_bench_idle: unknown option " << a << " (see the comment at the top of bench_idle_sessions.cpp)\n";
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    raise_own_fd_limit();
    // All connections come from 127.0.0.1: lift the per-address cap (an
    // environment variable, which a relay without that option ignores).
    setenv("TETHER_RELAY_MAX_CONNS_PER_IP", "0", 1);
    const std::vector<int> levels = parse_levels(levels_arg);
    Run floor_run;
    if (floor) floor_run = run_floor(levels, hold_s);
    const Run ours = run_relay(binary, levels, hold_s);
    Run base;
    if (!baseline.empty())
        base = run_relay(baseline, parse_levels(baseline_levels_arg.empty() ? levels_arg : baseline_levels_arg), hold_s);
    std::vector<Other> others;
    if (!baseline.empty()) others.push_back({"baseline", &base});
    if (floor) others.push_back({"floor", &floor_run});
    print_tables(ours, others);
    return ours.ok && (!floor || floor_run.ok) ? 0 : 1;
}
