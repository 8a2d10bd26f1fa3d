// Winsock TCP with timeouts (see socket.h).
#include "socket.h"

#include <ws2tcpip.h>

#include <mutex>

namespace winnet {
namespace {

// TCP keepalive (as on Linux, tunnel/src/http_easy.cpp): the heartbeats find
// dead paths first; this only stops half-dead sockets living forever.
constexpr DWORD kKeepIdleMs = 20000;
constexpr DWORD kKeepIntervalMs = 10000;

struct AddrInfo {
    addrinfo* list = nullptr;
    ~AddrInfo() { if (list) freeaddrinfo(list); }
};

void tune(SOCKET s) {
    BOOL one = TRUE;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&one), sizeof one);
    tcp_keepalive ka{1, kKeepIdleMs, kKeepIntervalMs};
    DWORD got = 0;
    WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &got, nullptr, nullptr);
}

// Non-blocking connect bounded by `timeout`; 0 or the Winsock error.
int connect_one(SOCKET s, const addrinfo* a, std::chrono::milliseconds timeout) {
    u_long nb = 1;
    ioctlsocket(s, FIONBIO, &nb);
    if (::connect(s, a->ai_addr, static_cast<int>(a->ai_addrlen)) == 0) return 0;
    int err = WSAGetLastError();
    if (err != WSAEWOULDBLOCK) return err;
    fd_set w, e;
    FD_ZERO(&w); FD_ZERO(&e);
    FD_SET(s, &w); FD_SET(s, &e);
    timeval tv{static_cast<long>(timeout.count() / 1000), static_cast<long>(timeout.count() % 1000 * 1000)};
    int n = select(0, nullptr, &w, &e, &tv);
    if (n == 0) return WSAETIMEDOUT;
    int soerr = 0, len = sizeof soerr;
    getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&soerr), &len);
    if (n < 0 || FD_ISSET(s, &e) || soerr) return soerr ? soerr : WSAECONNREFUSED;
    nb = 0;
    ioctlsocket(s, FIONBIO, &nb);
    return 0;
}

}  // namespace

void winsock_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        WSADATA wd;
        WSAStartup(MAKEWORD(2, 2), &wd);
    });
}

std::string winsock_text(int code) {
    switch (code) {
    case WSAECONNREFUSED: return "connection refused";
    case WSAETIMEDOUT: return "timed out";
    case WSAECONNRESET: return "connection reset";
    case WSAECONNABORTED: return "connection aborted";
    case WSAENETUNREACH: case WSAEHOSTUNREACH: return "no route to the host";
    case WSAHOST_NOT_FOUND: case WSANO_DATA: return "name not found";
    default: return "Winsock error " + std::to_string(code);
    }
}

Socket::~Socket() {
    if (s_ != INVALID_SOCKET) closesocket(s_);
}

void Socket::connect(const std::string& host, int port, std::chrono::milliseconds timeout) {
    winsock_init();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    AddrInfo ai;
    if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &ai.list))
        throw SocketError{"cannot resolve " + host, rc};
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int last = WSAECONNREFUSED;
    for (addrinfo* a = ai.list; a; a = a->ai_next) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) { last = WSAETIMEDOUT; break; }
        SOCKET s = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (s == INVALID_SOCKET) { last = WSAGetLastError(); continue; }
        if ((last = connect_one(s, a, left)) == 0) {
            tune(s);
            s_ = s;
            if (aborted_) shutdown(s_, SD_BOTH);
            return;
        }
        closesocket(s);
    }
    throw SocketError{"cannot connect to " + host + ":" + std::to_string(port), last};
}

void Socket::send_all(const char* p, std::size_t n) {
    while (n > 0) {
        if (aborted_) throw SocketError{"closed", WSAECONNABORTED};
        int chunk = static_cast<int>(std::min<std::size_t>(n, 1 << 20));
        int sent = ::send(s_, p, chunk, 0);
        if (sent <= 0) throw SocketError{"send failed", WSAGetLastError()};
        p += sent;
        n -= static_cast<std::size_t>(sent);
    }
}

Socket::Read Socket::read_some(std::string& out, std::chrono::milliseconds timeout) {
    if (aborted_) return Read::closed;
    fd_set r;
    FD_ZERO(&r);
    FD_SET(s_, &r);
    timeval tv{static_cast<long>(timeout.count() / 1000), static_cast<long>(timeout.count() % 1000 * 1000)};
    int n = select(0, &r, nullptr, nullptr, &tv);
    if (n == 0) return Read::timeout;
    if (n < 0) throw SocketError{"select failed", WSAGetLastError()};
    char buf[64 * 1024];
    int got = recv(s_, buf, sizeof buf, 0);
    if (got == 0 || aborted_) return Read::closed;
    if (got < 0) throw SocketError{"receive failed", WSAGetLastError()};
    out.append(buf, static_cast<std::size_t>(got));
    return Read::data;
}

void Socket::abort() {
    aborted_ = true;
    if (s_ != INVALID_SOCKET) shutdown(s_, SD_BOTH);
}

}  // namespace winnet
