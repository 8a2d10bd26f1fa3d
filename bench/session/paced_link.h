// A TCP forwarder on 127.0.0.1 whose every direction of every connection is
// paced to a fixed rate: the endpoints' access links to the relay, so that a
// benchmark can show what a user sees when the network, not the CPU of a
// 2-core loopback machine, is the limit. TLS passes through untouched.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace bench {

class PacedLink {
public:
    // Forwards 127.0.0.1:port() to 127.0.0.1:target_port at `mbps` megabits
    // per second (10^6 bit/s) per direction and connection. Throws on setup
    // errors.
    PacedLink(int target_port, double mbps);
    ~PacedLink();  // closes the listener and every forwarded connection
    PacedLink(const PacedLink&) = delete;
    PacedLink& operator=(const PacedLink&) = delete;

    int port() const { return port_; }

private:
    void accept_loop();
    void pump(int from, int to);  // until EOF or error, then half-closes `to`

    int target_port_;
    double bytes_per_s_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::mutex mu_;
    std::vector<int> fds_;             // every forwarded socket, shut down on stop
    std::vector<std::thread> pumps_;
    std::thread acceptor_;
};

}  // namespace bench
