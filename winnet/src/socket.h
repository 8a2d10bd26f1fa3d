// A Winsock TCP connection with bounded waits. One thread reads and writes;
// abort() may be called from any other thread and makes pending and later
// calls return soon (it shuts the socket down; the handle is closed only by
// the destructor, so it is never reused under a reader).
#pragma once

#include <winsock2.h>

#include <atomic>
#include <chrono>
#include <string>

namespace winnet {

// A system call failed: `where` says which step, code is WSAGetLastError().
struct SocketError {
    std::string what;
    int code = 0;
};

class Socket {
public:
    Socket() = default;
    ~Socket();
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    // Resolves and connects to host:port, trying each address within
    // `timeout` overall. Throws SocketError.
    void connect(const std::string& host, int port, std::chrono::milliseconds timeout);

    void send_all(const char* p, std::size_t n);  // throws SocketError
    enum class Read { data, timeout, closed };
    // Appends what arrived (at most 64 KiB) to `out`; waits at most `timeout`.
    Read read_some(std::string& out, std::chrono::milliseconds timeout);
    void abort();
    bool aborted() const { return aborted_; }

private:
    std::atomic<SOCKET> s_{INVALID_SOCKET};  // set once by connect(); read by abort() on another thread
    std::atomic<bool> aborted_{false};
};

// WSAStartup once per process (idempotent, thread-safe).
void winsock_init();
// "connection refused" etc. for a Winsock error code.
std::string winsock_text(int code);

}  // namespace winnet
