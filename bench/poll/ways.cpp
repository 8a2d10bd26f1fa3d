#include "ways.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/net.h"
#include "support/process.h"
#include "tunnel/session_client.h"
#include "session/session_stream.h"

namespace bench_poll {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test_support::Process;

constexpr auto kSetupTimeout = 20s;  // any one setup step (connect, accept, listen)

// --- Tether ---------------------------------------------------------------

class SessionLink : public Link {
public:
    explicit SessionLink(session::SessionStream& s) : s_(s) {}
    void write(const char* p, std::size_t n) override { s_.write(p, n); }
    std::size_t read(char* p, std::size_t n) override { return s_.read(p, n); }
    void abort() override { s_.close(); }

private:
    session::SessionStream& s_;
};

// Last status line of each side, for the error message when it never connects.
struct StatusLog {
    std::mutex mu;
    std::string last;
};

session::SessionOptions options_for(const std::shared_ptr<StatusLog>& log) {
    session::SessionOptions o;
    o.on_status = [log](const session::SessionStatus& s) {
        std::lock_guard<std::mutex> lk(log->mu);
        log->last = std::string(session::to_string(s.state)) + ": " + s.detail;
    };
    return o;
}

void wait_connected(session::SessionStream& s, const char* who, StatusLog& log) {
    auto deadline = Clock::now() + kSetupTimeout;
    while (s.status().state != session::SessionState::connected) {
        if (Clock::now() > deadline) {
            std::lock_guard<std::mutex> lk(log.mu);
            throw std::runtime_error(std::string(who) + " never connected (last state " + log.last + ")");
        }
        std::this_thread::sleep_for(20ms);
    }
}

class TetherWay : public Way {
public:
    TetherWay(const test_support::Squid& squid, const test_support::Relay& relay, tunnel::TransportMode mode) {
        tunnel::EndpointConfig cfg;
        cfg.relay_url = relay.url();
        cfg.ca_file = relay.ca_file();
        cfg.proxy_url = squid.url();
        tunnel::TransportPolicy policy;
        policy.mode = mode;
        // Create (desk) and join (client) as the two programs would.
        tunnel::SessionClient api(cfg);
        auto created = api.create("bench_poll");
        auto joined = api.join(created.code);
        desk_ = std::make_unique<session::SessionStream>(tunnel::transport_factory(cfg, created.token, policy),
                                                        options_for(desk_log_));
        client_ = std::make_unique<session::SessionStream>(tunnel::transport_factory(cfg, joined.token, policy),
                                                          options_for(client_log_));
        wait_connected(*desk_, "desk", *desk_log_);
        wait_connected(*client_, "client", *client_log_);
        near_ = std::make_unique<SessionLink>(*desk_);
        far_ = std::make_unique<SessionLink>(*client_);
    }
    ~TetherWay() override {
        desk_->close();
        client_->close();
    }
    Link& near() override { return *near_; }
    Link& far() override { return *far_; }
    std::string describe() const override { return desk_->status().detail; }

private:
    std::shared_ptr<StatusLog> desk_log_ = std::make_shared<StatusLog>();
    std::shared_ptr<StatusLog> client_log_ = std::make_shared<StatusLog>();
    std::unique_ptr<session::SessionStream> desk_, client_;
    std::unique_ptr<Link> near_, far_;
};

// --- TCP sockets ----------------------------------------------------------

[[noreturn]] void sys_fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

class SocketLink : public Link {
public:
    explicit SocketLink(int fd) : fd_(fd) {
        // 1-byte ping-pongs must not wait for Nagle on our side.
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    ~SocketLink() override { ::close(fd_); }
    void write(const char* p, std::size_t n) override {
        while (n > 0) {
            ssize_t k = ::send(fd_, p, n, MSG_NOSIGNAL);
            if (k < 0 && errno == EINTR) continue;
            if (k <= 0) sys_fail("send");
            p += k;
            n -= static_cast<std::size_t>(k);
        }
    }
    std::size_t read(char* p, std::size_t n) override {
        for (;;) {
            ssize_t k = ::recv(fd_, p, n, 0);
            if (k >= 0) return static_cast<std::size_t>(k);
            if (errno != EINTR) sys_fail("recv");
        }
    }
    void abort() override { ::shutdown(fd_, SHUT_RDWR); }

private:
    int fd_;
};

// A listening socket on 127.0.0.1:<ephemeral>; returns {fd, port}.
std::pair<int, int> listen_loopback() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) sys_fail("socket");
    sockaddr_in a = test_support::loopback(0);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 4) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        sys_fail("listen on 127.0.0.1");
    }
    return {fd, ntohs(a.sin_port)};
}

int accept_within(int listen_fd, std::chrono::milliseconds timeout) {
    pollfd p{listen_fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r == 0) throw std::runtime_error("nothing connected to our listener in time");
    if (r < 0) sys_fail("poll");
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) sys_fail("accept");
    return fd;
}

int connect_loopback(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) sys_fail("socket");
    sockaddr_in a = test_support::loopback(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        sys_fail("connect to 127.0.0.1:" + std::to_string(port));
    }
    return fd;
}

// True when some socket LISTENs on `port` (any address), per /proc/net/tcp*.
// Used instead of test_support::wait_for_port, whose probe connection hts
// and htc would take for the one tunnel they serve.
bool listening(int port) {
    for (const char* file : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(file);
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            std::istringstream f(line);
            std::string slot, local, remote, state;
            f >> slot >> local >> remote >> state;
            auto colon = local.rfind(':');
            if (state == "0A" && colon != std::string::npos &&
                std::stoi(local.substr(colon + 1), nullptr, 16) == port)
                return true;
        }
    }
    return false;
}

void wait_listening(int port, Process& p, const std::string& who) {
    auto deadline = Clock::now() + kSetupTimeout;
    while (!listening(port)) {
        if (p.exit_code() || Clock::now() > deadline)
            throw std::runtime_error(who + " is not listening on port " + std::to_string(port) +
                                     "; its output:\n" + p.out() + p.err());
        std::this_thread::sleep_for(20ms);
    }
}

// --- GNU httptunnel ---------------------------------------------------------

std::unique_ptr<Process> spawn(std::vector<std::string> argv) {
    test_support::ProcessOptions o;
    o.argv = std::move(argv);
    o.stdin_path = "/dev/null";
    o.unset_env = {"http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"};
    return std::make_unique<Process>(o);
}

// Closes a file descriptor on every way out, exceptions included.
struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

class HttptunnelWay : public Way {
public:
    explicit HttptunnelWay(const test_support::Squid& squid) {
        auto [listen_fd, far_port] = listen_loopback();
        listener_.fd = listen_fd;
        // -w: stay in the foreground, a child the Process fixture can stop.
        int hts_port = test_support::free_port();
        hts_ = spawn({"hts", "-w", "-F", "127.0.0.1:" + std::to_string(far_port),
                      "127.0.0.1:" + std::to_string(hts_port)});
        wait_listening(hts_port, *hts_, "hts");
        // htc listens on all addresses (it has no bind option); only we connect.
        int local_port = test_support::free_port();
        htc_ = spawn({"htc", "-w", "-S", "-P", squid.host_port(), "-F", std::to_string(local_port),
                      "127.0.0.1:" + std::to_string(hts_port)});
        wait_listening(local_port, *htc_, "htc");
        // htc opens the tunnel when we connect; then hts connects to us.
        near_ = std::make_unique<SocketLink>(connect_loopback(local_port));
        try {
            far_ = std::make_unique<SocketLink>(accept_within(listener_.fd, kSetupTimeout));
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string(e.what()) + "; htc said:\n" + htc_->err() +
                                     "\nhts said:\n" + hts_->err());
        }
    }
    ~HttptunnelWay() override {
        // Members go in reverse order: our sockets, then htc and hts (the
        // Process destructors stop them: SIGTERM, then SIGKILL), then the listener.
    }
    Link& near() override { return *near_; }
    Link& far() override { return *far_; }
    std::string describe() const override { return "htc -> squid -> hts, plain HTTP"; }

private:
    Fd listener_;
    std::unique_ptr<Process> hts_, htc_;
    std::unique_ptr<Link> near_, far_;
};

}  // namespace

std::unique_ptr<Way> tether_way(const test_support::Squid& squid, const test_support::Relay& relay,
                                tunnel::TransportMode mode) {
    return std::make_unique<TetherWay>(squid, relay, mode);
}

std::unique_ptr<Way> httptunnel_way(const test_support::Squid& squid) {
    return std::make_unique<HttptunnelWay>(squid);
}

}  // namespace bench_poll
