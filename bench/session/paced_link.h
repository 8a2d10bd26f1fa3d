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
    // errors. `one_way_delay_ms` > 0 also holds every slice that long after it
    // arrived (a WAN's latency: RTT = 2x); a pump then forwards at most one
    // 64 KiB slice per delay, so keep rate x delay under that (20 Mbit/s at
    // 10 ms: 25 KB in flight).
    PacedLink(int target_port, double mbps, double one_way_delay_ms = 0);
    ~PacedLink();  // closes the listener and every forwarded connection
    PacedLink(const PacedLink&) = delete;
    PacedLink& operator=(const PacedLink&) = delete;

    int port() const { return port_; }

private:
    void accept_loop();
    void pump(int from, int to);  // until EOF or error, then half-closes `to`

    int target_port_;
    double bytes_per_s_;
    double delay_s_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::mutex mu_;
    std::vector<int> fds_;             // every forwarded socket, shut down on stop
    std::vector<std::thread> pumps_;
    std::thread acceptor_;
};

}  // namespace bench
