// A real HAProxy on 127.0.0.1:<free port> in front of N relay nodes, the
// way docs/RELAY.md "A cluster" runs it: TCP mode with TLS passthrough
// (each node terminates TLS with the same certificate), balance roundrobin,
// and a health check of each node's GET /readyz over TLS
// (`check check-ssl verify none inter 500 fall 1 rise 1`), so that a
// draining or dead node gets no new connection within about half a second.
// haproxy.cfg is generated in its own temporary directory; HAProxy runs in
// the foreground (-db) as a child, stopped by PID; its log (stdout) is kept
// across restarts. A stats socket gives each backend's state.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace test_support {

struct HaproxyOptions {
    std::vector<int> backend_ports;  // the nodes' public TLS ports on 127.0.0.1
    std::string balance = "roundrobin";
    // Inactivity limits: far above the relay's heartbeat (2 s) so that only
    // dead peers are cut; `timeout tunnel` governs established streams.
    std::chrono::seconds timeout_client{60}, timeout_server{60}, timeout_tunnel{3600};
    // Non-empty: run this haproxy.cfg (conf/cluster/haproxy.cfg) instead of
    // the generated one, with this test's addresses: `bind` lines listen on
    // our port, the i-th `server` line becomes `server nodeI
    // 127.0.0.1:backend_ports[i]` with its options kept, `log` lines go to
    // stdout, and a stats socket is added. It must have as many `server`
    // lines as backend_ports.
    std::string example_config;
};

class Haproxy {
public:
    // Starts HAProxy and returns once it accepts connections and every
    // backend passed its health check (or throws with its log).
    explicit Haproxy(HaproxyOptions opts);
    ~Haproxy();
    Haproxy(const Haproxy&) = delete;
    Haproxy& operator=(const Haproxy&) = delete;

    int port() const { return port_; }
    pid_t pid() const { return proc_ ? proc_->pid() : -1; }  // for CPU accounting (benchmarks)
    std::string url(const std::string& host = "127.0.0.1") const;  // "https://host:port/"
    std::string config() const;  // the generated haproxy.cfg
    std::string log() const;     // every line HAProxy printed, all runs

    // Backend name ("node0", ...) -> its state as the health checks see it
    // ("UP", "DOWN", "MAINT", "UP 1/2" while rising...), from `show stat`.
    std::map<std::string, std::string> backend_states() const;
    // Waits until backend `index` is UP (true) or until it is not (false).
    bool wait_for_backend(std::size_t index, bool up, std::chrono::milliseconds timeout) const;

    void stop();     // SIGTERM: every connection through it is cut
    // Again, same port and configuration; returns once it accepts
    // connections. HAProxy counts every server UP until its first check
    // fails: wait_for_backend(i, false) for one that should be down.
    void start();
    void restart() { stop(); start(); }

private:
    void write_config();
    std::string localised_example() const;

    HaproxyOptions opts_;
    TempDir dir_;
    int port_;
    std::unique_ptr<Process> proc_;
    std::string old_log_;  // output of earlier runs
};

}  // namespace test_support
