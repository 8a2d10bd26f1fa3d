// relay_bench_idle: RSS, threads, CPU of a real tether-relay holding N idle
// paired sessions in stream mode (4 TLS connections each: two downlinks, two
// uplinks that send a ping every heartbeat like real endpoints), and the
// round trip (p50, p99) of one more session that is active meanwhile
// (sampled throughout the hold: 50 samples per second held).
//   relay_bench_idle [--sessions N[,N2,...]] [--hold S] [--relay PATH]
//                    [--baseline PATH [--baseline-sessions N[,N2,...]]]
// Levels are reached one after the other in one relay (ascending). With
// --baseline, a second relay (the thread-per-connection one of commit
// 48a33cc: scripts/build-relay-baseline.sh builds it) runs the same levels
// (or --baseline-sessions) afterwards, and a table puts both side by side
// with ratios. Exit status 0 if every stream of the tested relay stayed up.
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "wire/frame.h"

namespace {

using namespace std::chrono_literals;

struct Relay {
    pid_t pid = -1;
    int port = 0;
    std::string ca;
};

// The options that lift the per-address limits thousands of sessions from
// 127.0.0.1 would hit, in the words of `binary`: creations are rate-limited
// by every relay; joins by 48a33cc's rate limits (the baseline), while the
// join guard of today's relay counts failed joins only (none here).
std::vector<std::string> lifted_limits(const std::string& binary) {
    std::vector<std::string> args = {"--create-rate-per-ip", "0"};
    std::string help;
    if (FILE* p = popen(("'" + binary + "' --help 2>&1").c_str(), "r")) {
        char buf[4096];
        while (std::size_t n = fread(buf, 1, sizeof buf, p)) help.append(buf, n);
        pclose(p);
    }
    if (help.find("--join-rate-per-ip") != std::string::npos)
        args.insert(args.end(), {"--join-rate-per-ip", "0", "--join-rate-global", "0"});
    return args;
}

// Starts tether-relay --dev on 127.0.0.1:0 and reads its port from stdout.
Relay start_relay(const std::string& binary, const std::string& state_dir) {
    std::vector<std::string> args = {binary, "--dev", "--state-dir", state_dir, "--listen", "127.0.0.1:0",
                                     "--log-level", "warn"};
    for (auto& a : lifted_limits(binary)) args.push_back(a);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    Relay r;
    r.pid = fork();
    if (r.pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        execv(binary.c_str(), argv.data());
        _exit(127);
    }
    close(out[1]);
    FILE* f = fdopen(out[0], "r");
    char line[512];
    std::regex re("listening on https://[^:]+:([0-9]+)");
    while (fgets(line, sizeof line, f)) {
        std::cmatch m;
        if (std::regex_search(line, m, re)) {
            r.port = std::stoi(m[1]);
            break;
        }
    }
    if (!r.port) throw std::runtime_error("tether-relay did not print its port");
    r.ca = state_dir + "/dev-cert.pem";
    return r;
}

// "VmRSS" (kB) or "Threads" from /proc/PID/status.
long proc_status(pid_t pid, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string k;
    long v = 0;
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
    return v;
}

// User + system CPU time of a process, in seconds.
double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string field;
    unsigned long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stoul(field);
        if (i == 15) stime = std::stoul(field);
    }
    return double(utime + stime) / sysconf(_SC_CLK_TCK);
}

class Tls {
public:
    Tls(SSL_CTX* ctx, int port) {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect");
        int one = 1;
        setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ssl_ = SSL_new(ctx);
        SSL_set_fd(ssl_, fd_);
        SSL_set_tlsext_host_name(ssl_, "localhost");
        SSL_set1_host(ssl_, "localhost");
        if (SSL_connect(ssl_) != 1) throw std::runtime_error("TLS handshake failed");
    }
    ~Tls() {
        SSL_free(ssl_);
        close(fd_);
    }
    void write(const std::string& s) {
        if (SSL_write(ssl_, s.data(), static_cast<int>(s.size())) <= 0) throw std::runtime_error("write failed");
    }
    // Reads until the end of the response headers; returns them.
    std::string read_headers() {
        std::string h;
        char c;
        while (h.size() < 4 || h.compare(h.size() - 4, 4, "\r\n\r\n") != 0) {
            if (SSL_read(ssl_, &c, 1) != 1) throw std::runtime_error("no response");
            h.push_back(c);
        }
        return h;
    }
    std::string read_body(std::size_t n) {
        std::string b(n, '\0');
        std::size_t got = 0;
        while (got < n) {
            int k = SSL_read(ssl_, &b[got], static_cast<int>(n - got));
            if (k <= 0) throw std::runtime_error("short body");
            got += k;
        }
        return b;
    }
    void non_blocking() { fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK); }
    // Reads (non-blocking socket) until `pattern` appeared in what was read
    // since the last call, or `limit` passed.
    bool read_until(const std::string& pattern, std::chrono::milliseconds limit) {
        const auto until = std::chrono::steady_clock::now() + limit;
        std::string seen;
        char buf[4096];
        while (std::chrono::steady_clock::now() < until) {
            int k = SSL_read(ssl_, buf, sizeof buf);
            if (k > 0) {
                seen.append(buf, k);
                if (seen.find(pattern) != std::string::npos) return true;
                continue;
            }
            int e = SSL_get_error(ssl_, k);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return false;
            pollfd p{fd_, POLLIN, 0};
            ::poll(&p, 1, 10);
        }
        return false;
    }
    // Reads whatever is there without blocking; false if the peer closed.
    bool drain() {
        char buf[4096];
        for (;;) {
            int k = SSL_read(ssl_, buf, sizeof buf);
            if (k > 0) continue;
            int e = SSL_get_error(ssl_, k);
            return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
        }
    }

private:
    int fd_ = -1;
    SSL* ssl_ = nullptr;
};

nlohmann::json post_json(SSL_CTX* ctx, int port, const std::string& path, const std::string& body) {
    Tls t(ctx, port);
    t.write("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    std::string h = t.read_headers();
    std::smatch m;
    if (!std::regex_search(h, m, std::regex("Content-Length: ([0-9]+)", std::regex::icase)))
        throw std::runtime_error("no Content-Length");
    return nlohmann::json::parse(t.read_body(std::stoul(m[1])));
}

std::string chunk(const std::string& bytes) {
    char len[16];
    std::snprintf(len, sizeof len, "%zx\r\n", bytes.size());
    return len + bytes + "\r\n";
}

std::string ping_chunk() {
    std::string f;
    wire::append_u64_frame(f, wire::FrameType::ping, 1);
    return chunk(f);
}

// One side's downlink and uplink.
struct SideStreams {
    std::unique_ptr<Tls> down, up;
};

SideStreams open_side(SSL_CTX* ctx, int port, const std::string& token) {
    SideStreams s;
    s.down = std::make_unique<Tls>(ctx, port);
    s.down->write("GET /v1/stream/down HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n\r\n");
    if (s.down->read_headers().find(" 200 ") == std::string::npos) throw std::runtime_error("downlink refused");
    s.down->non_blocking();
    s.up = std::make_unique<Tls>(ctx, port);
    s.up->write("POST /v1/stream/up HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token +
                "\r\nTransfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\nExpect:\r\n\r\n" + ping_chunk());
    return s;
}

long metric(SSL_CTX* ctx, int port, const std::string& name) {
    Tls t(ctx, port);
    t.write("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    std::string h = t.read_headers();
    std::smatch m;
    std::regex_search(h, m, std::regex("Content-Length: ([0-9]+)", std::regex::icase));
    std::string body = t.read_body(std::stoul(m[1]));
    auto at = body.find(name + " ");
    return at == std::string::npos ? -1 : std::stol(body.substr(at + name.size() + 1));
}

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

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

struct Level {
    int sessions;
    long rss_kb, threads;
    double cpu_percent, rtt_p50_us, rtt_p99_us;
    long connected;
    bool alive;
};

std::vector<int> parse_levels(const std::string& list) {
    std::vector<int> out;
    std::stringstream in(list);
    std::string item;
    while (std::getline(in, item, ',')) out.push_back(std::stoi(item));
    return out;
}

// The bench holds 4 connections per session itself.
void raise_own_fd_limit() {
    rlimit r{};
    getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
}

// The idle sides ping in this many groups spread over each 2 s (20 ms
// apart), like endpoints whose timers started at different times, not all
// in the same instant; the active session's round trip is sampled once
// between two groups, so it meets the relay amid the others' heartbeats.
constexpr int kSlices = 100;

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
            const double cpu0 = cpu_seconds(relay.pid);
            const auto h0 = std::chrono::steady_clock::now();
            std::vector<double> rtt;
            for (int tick = 0; tick < hold_s / 2; ++tick) {  // endpoints ping every 2 s...
                const auto tick0 = std::chrono::steady_clock::now();
                for (int slice = 0; slice < kSlices; ++slice) {  // ...each on its own clock, not all at once
                    for (std::size_t i = slice; i < streams.size(); i += kSlices) {
                        streams[i].up->write(ping_chunk());
                        all_alive &= streams[i].down->drain();
                    }
                    std::this_thread::sleep_until(tick0 + (2 * slice + 1) * 1s / kSlices);
                    rtt.push_back(active.round_trips(1).front());
                    std::this_thread::sleep_until(tick0 + (slice + 1) * 2s / kSlices);
                }
                active.keep_alive();
            }
            const double held = std::chrono::duration<double>(std::chrono::steady_clock::now() - h0).count();
            const double cpu = (cpu_seconds(relay.pid) - cpu0) / held;
            Level l{target, proc_status(relay.pid, "VmRSS"), proc_status(relay.pid, "Threads"), 100 * cpu,
                    percentile(rtt, 0.5), percentile(rtt, 0.99),
                    metric(ctx, relay.port, "tether_relay_sessions{state=\"connected\"}") - 1, all_alive};
            run.levels.push_back(l);
            std::cout << "relay with " << target << " idle sessions, " << hold_s << " s held: rss_kb=" << l.rss_kb
                      << " threads=" << l.threads << " cpu_percent=" << l.cpu_percent << " rtt_p50_us=" << l.rtt_p50_us
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
              << (l.rss_kb - run.rss0) / std::max(1, l.sessions) << " | " << l.threads << " | " << l.cpu_percent << " | "
              << l.rtt_p50_us / 1000 << " / " << l.rtt_p99_us / 1000 << " |\n";
}

// This relay's figure over the baseline's, as "x0.42".
std::string ratio(double ours, double theirs) {
    std::ostringstream o;
    o.precision(2);  // significant digits: threads come out as x0.002
    o << "x" << (theirs > 0 ? ours / theirs : 0.0);
    return o.str();
}

void print_tables(const Run& ours, const Run* base) {
    std::cout << "\n| sessions | relay | RSS MB | KB/session | threads | CPU % of a core | RTT p50 / p99 ms |\n"
              << "|---|---|---|---|---|---|---|\n";
    for (const Level& l : ours.levels) {
        print_row("tested", ours, l);
        if (!base) continue;
        for (const Level& b : base->levels)
            if (b.sessions == l.sessions) print_row("baseline", *base, b);
    }
    if (!base) return;
    std::cout << "\nratios tested / baseline (below 1: the tested relay needs less)\n"
              << "| sessions | RSS per session | threads | CPU | RTT p50 | RTT p99 |\n|---|---|---|---|---|---|\n";
    for (const Level& l : ours.levels)
        for (const Level& b : base->levels)
            if (b.sessions == l.sessions)
                std::cout << "| " << l.sessions << " | "
                          << ratio(double(l.rss_kb - ours.rss0), double(b.rss_kb - base->rss0)) << " | "
                          << ratio(l.threads, b.threads) << " | " << ratio(l.cpu_percent, b.cpu_percent) << " | "
                          << ratio(l.rtt_p50_us, b.rtt_p50_us) << " | " << ratio(l.rtt_p99_us, b.rtt_p99_us) << " |\n";
    if (base->levels.size() < ours.levels.size())
        std::cout << "(the baseline reached " << base->levels.size() << " of the levels)\n";
}

}  // namespace

int main(int argc, char* argv[]) {
    std::string levels_arg = "500", baseline_levels_arg;
    int hold_s = 10;
    std::string binary = TETHER_RELAY_BIN, baseline;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--sessions") levels_arg = argv[i + 1];
        else if (a == "--hold") hold_s = std::stoi(argv[i + 1]);
        else if (a == "--relay") binary = argv[i + 1];
        else if (a == "--baseline") baseline = argv[i + 1];
        else if (a == "--baseline-sessions") baseline_levels_arg = argv[i + 1];
    }
    signal(SIGPIPE, SIG_IGN);
    raise_own_fd_limit();
    // All connections come from 127.0.0.1: lift the per-address cap (an
    // environment variable, which a relay without that option ignores).
    setenv("TETHER_RELAY_MAX_CONNS_PER_IP", "0", 1);
    const Run ours = run_relay(binary, parse_levels(levels_arg), hold_s);
    Run base;
    if (!baseline.empty())
        base = run_relay(baseline, parse_levels(baseline_levels_arg.empty() ? levels_arg : baseline_levels_arg), hold_s);
    print_tables(ours, baseline.empty() ? nullptr : &base);
    return ours.ok ? 0 : 1;
}
