// A TLS (or plain TCP) client that sends whatever bytes a test wants, for
// the relay's bounds: oversized heads, floods, trickles. Blocking OpenSSL on
// a socket with receive/send timeouts, so no call can hang a test.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>

namespace relay_test {

// A connected TCP socket to 127.0.0.1:port (-1 on failure), with timeouts.
// `source`: the local address (any 127.x.y.z is this host: a second
// "client address" for tests of per-address limits).
inline int tcp_connect(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10),
                       const char* source = nullptr) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (source) {
        sockaddr_in local{};
        local.sin_family = AF_INET;
        inet_pton(AF_INET, source, &local.sin_addr);
        ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
    }
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// The peer closed (or reset) `fd` within `within`: a read returned 0 or failed.
inline bool closed_by_peer(int fd, std::chrono::milliseconds within) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(within.count())) <= 0) return false;
    char c;
    return ::recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

class RawTls {
public:
    RawTls(int port, const std::string& ca_file, const char* source = nullptr)
        : fd_(tcp_connect(port, std::chrono::seconds(10), source)) {
        if (fd_ < 0) throw std::runtime_error("connect failed");
        ctx_ = SSL_CTX_new(TLS_client_method());
        SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        SSL_set_tlsext_host_name(ssl_, "localhost");
        if (SSL_connect(ssl_) != 1) throw std::runtime_error("TLS handshake failed");
    }
    ~RawTls() {
        SSL_free(ssl_);
        SSL_CTX_free(ctx_);
        ::close(fd_);
    }
    RawTls(const RawTls&) = delete;
    RawTls& operator=(const RawTls&) = delete;

    // false once the relay stopped taking bytes (closed, reset, or timed out).
    bool send(const std::string& bytes) {
        std::size_t done = 0;
        while (done < bytes.size()) {
            int k = SSL_write(ssl_, bytes.data() + done, static_cast<int>(bytes.size() - done));
            if (k <= 0) return false;
            done += static_cast<std::size_t>(k);
        }
        return true;
    }
    // A response (or the close) is waiting. TLS 1.3 session tickets also
    // make the socket readable: those are read here and do not count.
    bool readable(std::chrono::milliseconds within = std::chrono::milliseconds(0)) {
        const auto until = std::chrono::steady_clock::now() + within;
        for (;;) {
            if (SSL_pending(ssl_) > 0) return true;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count()))) <= 0) return false;
            const int flags = ::fcntl(fd_, F_GETFL);
            ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
            char c;
            const int k = SSL_peek(ssl_, &c, 1);
            const bool only_handshake_data = k <= 0 && SSL_get_error(ssl_, k) == SSL_ERROR_WANT_READ;
            ::fcntl(fd_, F_SETFL, flags);
            if (!only_handshake_data) return true;
        }
    }
    // The status of the next response, -1 if the connection ended first.
    // Reads its body too (by Content-Length), so that the next one can follow.
    int status() {
        std::string head;
        char c;
        while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
            if (SSL_read(ssl_, &c, 1) != 1) break;
            head.push_back(c);
        }
        head_ = head;
        std::smatch m;
        if (!std::regex_search(head, m, std::regex("^HTTP/1\\.1 ([0-9]{3}) "))) return -1;
        const int status = std::stoi(m[1]);
        body_.clear();
        if (std::regex_search(head, m, std::regex("Content-Length: ([0-9]+)", std::regex::icase)))
            for (long left = std::stol(m[1]); left > 0 && SSL_read(ssl_, &c, 1) == 1; --left) body_.push_back(c);
        return status;
    }
    const std::string& body() const { return body_; }
    // Reads until `pattern` arrived (in what was read since the last call);
    // false if the connection ended or nothing came for the socket timeout.
    bool read_until(const std::string& pattern) {
        std::string seen;
        char buf[4096];
        while (seen.find(pattern) == std::string::npos) {
            const int k = SSL_read(ssl_, buf, sizeof buf);
            if (k <= 0) return false;
            seen.append(buf, static_cast<std::size_t>(k));
        }
        return true;
    }
    const std::string& head() const { return head_; }

private:
    int fd_;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    std::string head_, body_;
};

}  // namespace relay_test
