// relay_bench_idle: RSS and threads of a real tether-relay holding N idle
// paired sessions in stream mode (4 TLS connections each: two downlinks, two
// uplinks that send a ping every heartbeat like real endpoints).
//   relay_bench_idle [--sessions N] [--hold S] [--relay PATH]
// Prints one line per measurement; exit status 0 if every stream opened.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
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

// Starts tether-relay --dev on 127.0.0.1:0 and reads its port from stdout.
Relay start_relay(const std::string& binary, const std::string& state_dir) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    Relay r;
    r.pid = fork();
    if (r.pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        execl(binary.c_str(), binary.c_str(), "--dev", "--state-dir", state_dir.c_str(), "--listen", "127.0.0.1:0",
              "--join-rate-per-ip", "0", "--join-rate-global", "0", "--create-rate-per-ip", "0", "--log-level", "warn", (char*)nullptr);
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

}  // namespace

int main(int argc, char* argv[]) {
    int sessions = 500, hold_s = 10;
    std::string binary = TETHER_RELAY_BIN;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--sessions") sessions = std::stoi(argv[i + 1]);
        else if (a == "--hold") hold_s = std::stoi(argv[i + 1]);
        else if (a == "--relay") binary = argv[i + 1];
    }
    signal(SIGPIPE, SIG_IGN);
    char tmpl[] = "/tmp/relay-bench-XXXXXX";
    const std::string state = mkdtemp(tmpl);
    Relay relay = start_relay(binary, state);
    int status = 1;
    try {
        SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_load_verify_locations(ctx, relay.ca.c_str(), nullptr);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
        std::this_thread::sleep_for(200ms);
        const long rss0 = proc_status(relay.pid, "VmRSS"), threads0 = proc_status(relay.pid, "Threads");
        std::cout << "relay idle: rss_kb=" << rss0 << " threads=" << threads0 << std::endl;
        std::vector<SideStreams> streams;
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < sessions; ++i) {
            auto created = post_json(ctx, relay.port, "/v1/sessions", "{}");
            auto joined = post_json(ctx, relay.port, "/v1/sessions/join", nlohmann::json{{"code", created["code"]}}.dump());
            streams.push_back(open_side(ctx, relay.port, created["token"]));
            streams.push_back(open_side(ctx, relay.port, joined["token"]));
        }
        const double setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::cout << "opened " << sessions << " paired sessions (" << 4 * sessions << " TLS streams) in " << setup_s << " s"
                  << std::endl;
        bool all_alive = true;
        const double cpu0 = cpu_seconds(relay.pid);
        for (int tick = 0; tick < hold_s / 2; ++tick) {  // endpoints ping every 2 s
            std::this_thread::sleep_for(2s);
            for (auto& s : streams) {
                s.up->write(ping_chunk());
                all_alive &= s.down->drain();
            }
        }
        const double idle_cpu = (cpu_seconds(relay.pid) - cpu0) / (hold_s / 2 * 2);
        const long rss1 = proc_status(relay.pid, "VmRSS"), threads1 = proc_status(relay.pid, "Threads");
        const long connected = metric(ctx, relay.port, "tether_relay_sessions{state=\"connected\"}");
        std::cout << "relay with " << sessions << " idle sessions after " << hold_s << " s: rss_kb=" << rss1
                  << " threads=" << threads1 << " cpu_percent=" << 100 * idle_cpu << " connected=" << connected << " all_streams_alive=" << all_alive
                  << std::endl;
        std::cout << "per session: rss_kb=" << (rss1 - rss0) / std::max(1, sessions)
                  << " threads=" << double(threads1 - threads0) / std::max(1, sessions) << std::endl;
        status = all_alive && connected == sessions ? 0 : 1;
        streams.clear();
        SSL_CTX_free(ctx);
    } catch (const std::exception& e) {
        std::cerr << "relay_bench_idle: " << e.what() << std::endl;
    }
    kill(relay.pid, SIGTERM);
    waitpid(relay.pid, nullptr, 0);
    std::filesystem::remove_all(state);
    return status;
}
