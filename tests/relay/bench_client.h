// What the relay benchmarks (relay_bench_idle, relay_bench_bulk) share: a
// tether-relay started as a child process, a blocking TLS client, the
// session API and stream-mode sides as an endpoint opens them, and the
// relay's CPU time and memory from /proc. Header-only: two small programs.
#pragma once

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


namespace relay_bench {

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
inline std::vector<std::string> lifted_limits(const std::string& binary) {
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
inline Relay start_relay(const std::string& binary, const std::string& state_dir) {
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

// The number of a "Key: value" line in a /proc status file's text (a
// process's or a thread's): "VmRSS" (kB), "Threads",
// "voluntary_ctxt_switches"...; 0 if absent.
inline long status_value(const std::string& status, const std::string& key) {
    std::istringstream in(status);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
    return 0;
}

inline std::string proc_file(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// `key` from /proc/PID/status.
inline long proc_status(pid_t pid, const std::string& key) {
    return status_value(proc_file("/proc/" + std::to_string(pid) + "/status"), key);
}

// User + system CPU time in a /proc stat file's text (a process's or a
// thread's), in seconds (clock ticks: 10 ms steps); 0 if empty (gone).
inline double stat_cpu_seconds(const std::string& stat) {
    const auto close = stat.rfind(')');  // after the name, which may hold spaces
    if (close == std::string::npos) return 0;
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    unsigned long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stoul(field);
        if (i == 15) stime = std::stoul(field);
    }
    return double(utime + stime) / sysconf(_SC_CLK_TCK);
}

// User + system CPU time of a process, in seconds.
inline double cpu_seconds(pid_t pid) { return stat_cpu_seconds(proc_file("/proc/" + std::to_string(pid) + "/stat")); }

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
    // Reads (non-blocking socket) until `marker` arrives, keeping only the
    // last bytes; returns the bytes read, marker included (0: not within `limit`).
    std::size_t read_through(const std::string& marker, std::chrono::seconds limit) {
        const auto until = std::chrono::steady_clock::now() + limit;
        std::string window;
        std::vector<char> buf(64 * 1024);
        std::size_t total = 0;
        while (std::chrono::steady_clock::now() < until) {
            const int k = SSL_read(ssl_, buf.data(), static_cast<int>(buf.size()));
            if (k > 0) {
                total += k;
                window.append(buf.data(), k);
                if (window.find(marker) != std::string::npos) return total;
                window.erase(0, window.size() - std::min(window.size(), marker.size()));
                continue;
            }
            const int e = SSL_get_error(ssl_, k);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return 0;
            pollfd p{fd_, POLLIN, 0};
            ::poll(&p, 1, 100);
        }
        return 0;
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

inline nlohmann::json post_json(SSL_CTX* ctx, int port, const std::string& path, const std::string& body) {
    Tls t(ctx, port);
    t.write("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    std::string h = t.read_headers();
    std::smatch m;
    if (!std::regex_search(h, m, std::regex("Content-Length: ([0-9]+)", std::regex::icase)))
        throw std::runtime_error("no Content-Length");
    return nlohmann::json::parse(t.read_body(std::stoul(m[1])));
}

inline std::string chunk(const std::string& bytes) {
    char len[16];
    std::snprintf(len, sizeof len, "%zx\r\n", bytes.size());
    return len + bytes + "\r\n";
}

inline std::string ping_chunk() {
    std::string f;
    wire::append_u64_frame(f, wire::FrameType::ping, 1);
    return chunk(f);
}

// One side's downlink and uplink.
struct SideStreams {
    std::unique_ptr<Tls> down, up;
};

inline SideStreams open_side(SSL_CTX* ctx, int port, const std::string& token) {
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

// The idle sides ping in this many groups spread over each 2 s (20 ms
// apart), like endpoints whose timers started at different times, not all
// in the same instant; an active stream's round trip is sampled once
// between two groups, so it meets the server amid the others' heartbeats.
constexpr int kSlices = 100;

struct Held {
    double cpu_s = 0;            // the server's CPU time during the hold
    double held_s = 0;           // wall time held
    long pings = 0;              // round trips through the server: idle heartbeats and probes
    std::vector<double> rtt_us;  // the active stream's round trips
    bool alive = true;           // every idle downlink still open
};

// Holds `streams` for `hold_s` seconds: every uplink pings every 2 s (each
// in its slice), every downlink is drained; `probe` measures one active
// round trip (microseconds) per slice, `keep_alive` runs every 2 s.
template <class Probe, class KeepAlive>
Held hold_idle(pid_t server, std::vector<SideStreams>& streams, int hold_s, Probe probe, KeepAlive keep_alive) {
    Held h;
    const double cpu0 = cpu_seconds(server);
    const auto h0 = std::chrono::steady_clock::now();
    for (int tick = 0; tick < hold_s / 2; ++tick) {  // endpoints ping every 2 s...
        const auto tick0 = std::chrono::steady_clock::now();
        for (int slice = 0; slice < kSlices; ++slice) {  // ...each on its own clock, not all at once
            for (std::size_t i = slice; i < streams.size(); i += kSlices) {
                streams[i].up->write(ping_chunk());
                h.alive &= streams[i].down->drain();
                ++h.pings;
            }
            std::this_thread::sleep_until(tick0 + (2 * slice + 1) * 1s / kSlices);
            h.rtt_us.push_back(probe());
            ++h.pings;
            std::this_thread::sleep_until(tick0 + (slice + 1) * 2s / kSlices);
        }
        keep_alive();
    }
    h.held_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - h0).count();
    h.cpu_s = cpu_seconds(server) - cpu0;
    return h;
}

inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

inline long metric(SSL_CTX* ctx, int port, const std::string& name) {
    Tls t(ctx, port);
    t.write("GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    std::string h = t.read_headers();
    std::smatch m;
    std::regex_search(h, m, std::regex("Content-Length: ([0-9]+)", std::regex::icase));
    std::string body = t.read_body(std::stoul(m[1]));
    auto at = body.find(name + " ");
    return at == std::string::npos ? -1 : std::stol(body.substr(at + name.size() + 1));
}

// The bench holds 4 connections per session itself.
inline void raise_own_fd_limit() {
    rlimit r{};
    getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
}


}  // namespace relay_bench
