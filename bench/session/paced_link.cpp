#include "paced_link.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include "support/net.h"

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;

// Bytes read and forwarded at once: about 0.5 ms at 1 Gbit/s, so the pacing
// is smooth at the rates a benchmark uses.
constexpr std::size_t kSlice = 64 * 1024;

void set_nodelay(int fd) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

bool write_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

}  // namespace

PacedLink::PacedLink(int target_port, double mbps, double one_way_delay_ms)
    : target_port_(target_port), bytes_per_s_(mbps * 1e6 / 8), delay_s_(one_way_delay_ms / 1000) {
    if (mbps <= 0) throw std::invalid_argument("PacedLink: the rate must be positive");
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = test_support::loopback(0);
    socklen_t len = sizeof a;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_fd_, 64) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        std::string why = std::strerror(errno);
        if (listen_fd_ >= 0) ::close(listen_fd_);
        throw std::runtime_error("PacedLink: cannot listen on 127.0.0.1: " + why);
    }
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

PacedLink::~PacedLink() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    acceptor_.join();
    {
        std::lock_guard<std::mutex> lk(mu_);
        for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);  // wakes every pump
    }
    for (auto& t : pumps_) t.join();
    for (int fd : fds_) ::close(fd);
    ::close(listen_fd_);
}

void PacedLink::accept_loop() {
    while (!stopping_) {
        int in = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (in < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return;  // the listener was shut down
        }
        int out = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in t = test_support::loopback(target_port_);
        if (out < 0 || ::connect(out, reinterpret_cast<sockaddr*>(&t), sizeof t) != 0) {
            ::close(in);
            if (out >= 0) ::close(out);
            continue;  // the client sees its connection reset, as with a dead relay
        }
        set_nodelay(in);
        set_nodelay(out);
        std::lock_guard<std::mutex> lk(mu_);
        if (stopping_) {
            ::close(in);
            ::close(out);
            return;
        }
        fds_.push_back(in);
        fds_.push_back(out);
        pumps_.emplace_back([this, in, out] { pump(in, out); });
        pumps_.emplace_back([this, in, out] { pump(out, in); });
    }
}

// Token bucket without burst: each slice may leave once the link would have
// finished the previous ones at the configured rate.
void PacedLink::pump(int from, int to) {
    std::unique_ptr<char[]> buf(new char[kSlice]);
    Clock::time_point free_at = Clock::now();
    for (;;) {
        ssize_t n = ::recv(from, buf.get(), kSlice, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        Clock::time_point now = Clock::now();
        if (free_at < now) free_at = now;  // an idle link does not save up credit
        free_at += std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(static_cast<double>(n) / bytes_per_s_));
        Clock::time_point due = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay_s_));
        std::this_thread::sleep_until(std::max(free_at, due));
        if (!write_all(to, buf.get(), static_cast<std::size_t>(n))) break;
    }
    ::shutdown(to, SHUT_WR);
}

}  // namespace bench
