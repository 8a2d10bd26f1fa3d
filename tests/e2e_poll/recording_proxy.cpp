#include "recording_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace e2e_poll {
namespace {

// Reads one HTTP message (head to the blank line, then Content-Length
// bytes of body) from `fd`, using and refilling `buf`. False on EOF/error.
bool read_message(int fd, std::string& buf, std::string& out) {
    char chunk[16384];
    std::size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return false;
        buf.append(chunk, static_cast<std::size_t>(n));
    }
    head_end += 4;
    std::string lower = buf.substr(0, head_end);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    std::size_t length = 0;
    auto at = lower.find("\r\ncontent-length:");
    if (at != std::string::npos) length = std::stoul(lower.substr(at + 17));
    while (buf.size() < head_end + length) {
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return false;
        buf.append(chunk, static_cast<std::size_t>(n));
    }
    out = buf.substr(0, head_end + length);
    buf.erase(0, head_end + length);
    return true;
}

bool write_all(int fd, const std::string& s) {
    std::size_t done = 0;
    while (done < s.size()) {
        ssize_t n = ::send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

int connect_local(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
    }
    return fd;
}

}  // namespace

RecordingProxy::RecordingProxy(int relay_port) : relay_port_(relay_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listener_, 64) != 0)
        throw std::runtime_error("recording proxy: cannot listen");
    socklen_t len = sizeof a;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

RecordingProxy::~RecordingProxy() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    {
        std::lock_guard<std::mutex> lk(mu_);
        for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : threads_) t.join();
    for (int fd : open_) ::close(fd);
}

std::vector<std::string> RecordingProxy::requests() const {
    std::lock_guard<std::mutex> lk(mu_);
    return requests_;
}

void RecordingProxy::accept_loop() {
    while (!stopping_) {
        int c = ::accept(listener_, nullptr, nullptr);
        if (c < 0) return;
        std::lock_guard<std::mutex> lk(mu_);
        open_.push_back(c);
        threads_.emplace_back([this, c] { serve(c); });
    }
}

void RecordingProxy::serve(int client) {
    std::string from_client, from_relay, request, answer;
    int upstream = -1;
    while (!stopping_ && read_message(client, from_client, request)) {
        if (request.rfind("CONNECT ", 0) == 0) {
            ++connects_refused_;
            write_all(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }
        {
            std::lock_guard<std::mutex> lk(mu_);
            requests_.push_back(request);
        }
        if (upstream < 0) {
            upstream = connect_local(relay_port_);
            std::lock_guard<std::mutex> lk(mu_);
            open_.push_back(upstream);
        }
        if (!write_all(upstream, request) || !read_message(upstream, from_relay, answer)) return;
        if (!write_all(client, answer)) return;
    }
}

RawAnswer send_raw(int port, const std::string& request) {
    int fd = connect_local(port);
    std::string buf, message;
    bool ok = write_all(fd, request) && read_message(fd, buf, message);
    ::close(fd);
    if (!ok) throw std::runtime_error("no answer from 127.0.0.1:" + std::to_string(port));
    RawAnswer a;
    const auto head_end = message.find("\r\n\r\n") + 4;
    a.head = message.substr(0, head_end);
    a.body = message.substr(head_end);
    a.status = std::stoi(message.substr(9, 3));
    return a;
}

}  // namespace e2e_poll
