// A CONNECT proxy double that requires NTLM, for clients whose NTLM squid's
// ntlm_fake_auth cannot serve (wine rejects its malformed type-2 challenge).
// It sends a well-formed type-2 challenge (with target info and a
// timestamp), accepts a type-3 whose user name is `user` (it cannot check
// the response: no password database), then tunnels to 127.0.0.1:<port> of
// the CONNECT target. In-process: an accept thread and a thread per
// connection, on 127.0.0.1:<ephemeral>; the destructor stops them all.
// Mode::plain_only is a proxy that refuses CONNECT (403) and forwards
// plain absolute-form requests (http://host:port/...) to 127.0.0.1:<port>,
// as squid does, after the same NTLM handshake: once per connection (NTLM
// is connection-bound), later requests on it pass without a header. Request
// bodies need a Content-Length, answers a Content-Length or none (the
// relay's poll answers): enough for Tether's plain-HTTP poll mode.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

class NtlmProxy {
public:
    enum class Mode { connect, plain_only };
    explicit NtlmProxy(std::string user, Mode mode = Mode::connect);
    ~NtlmProxy();

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::string host_port() const { return "127.0.0.1:" + std::to_string(port_); }

    // One line per request head seen: "CONNECT host:port HTTP/1.1 | <auth> |
    // UA <ua>" (or the plain request line: "GET http://h:p/x HTTP/1.1 | ..."),
    // <auth> = none, type1, type3 user=U domain=D ok|refused, or, for a
    // request on a connection already authenticated, conn user=U; "denied
    // CONNECT" in plain_only mode.
    std::vector<std::string> log() const;

private:
    void accept_loop();
    void serve(int fd);
    // plain_only: forwards one authenticated request (head, its body in
    // `buf`) and its answer; false when the connection must close.
    bool forward(int fd, std::string& buf, const std::string& head, int& upstream);
    void note(const std::string& line);

    std::string user_;
    Mode mode_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mu_;
    std::vector<std::string> log_;
    std::vector<int> open_fds_;
    std::vector<std::thread> threads_;
    std::thread acceptor_;
};

}  // namespace test_support
