// A plain-HTTP forward proxy in the middle, as a watching corporate proxy
// is: it forwards every request (absolute-form, one at a time per
// connection) to one relay port and keeps a copy of each request's bytes, so
// that a test can replay or alter them. It refuses CONNECT (403). Listens on
// 127.0.0.1, an ephemeral port; one thread per client connection.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace e2e_poll {

class RecordingProxy {
public:
    explicit RecordingProxy(int relay_port);
    ~RecordingProxy();  // stops accepting, closes every connection, joins
    RecordingProxy(const RecordingProxy&) = delete;
    RecordingProxy& operator=(const RecordingProxy&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // Copies of the whole requests (head and body) forwarded so far.
    std::vector<std::string> requests() const;
    int connects_refused() const { return connects_refused_; }

private:
    void accept_loop();
    void serve(int client);

    const int relay_port_;
    int listener_ = -1, port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connects_refused_{0};
    mutable std::mutex mu_;
    std::vector<std::string> requests_;
    std::vector<int> open_;  // client and upstream sockets, closed by the destructor
    std::vector<std::thread> threads_;
    std::thread acceptor_;
};

// Sends `request` (whole bytes) to 127.0.0.1:`port` and returns the answer's
// status and body (Content-Length framed). Throws on a socket error.
struct RawAnswer {
    int status = 0;
    std::string head, body;
};
RawAnswer send_raw(int port, const std::string& request);

}  // namespace e2e_poll
