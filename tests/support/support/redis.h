// Real redis-server and redis-sentinel instances on 127.0.0.1:<free port>
// for the relay cluster's tests (issue 18), each in its own temporary
// directory, in the foreground as a child, stopped by PID. Their logs go to
// files in that directory (kept with TETHER_KEEP_TMP=1) and are quoted by
// log(). Nothing is persisted unless asked; a restart uses the same port.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace test_support {

// One command to a Redis or Sentinel on 127.0.0.1:`port` in RESP; returns
// the reply as text: a simple string or integer as is, a bulk string as its
// bytes, an array as its elements one per line, an error as "ERR ..." with
// a leading '-'. Throws std::runtime_error when nothing answers within
// `timeout`. For assertions and readiness only: not a client library.
std::string redis_command(int port, const std::vector<std::string>& args,
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));

struct RedisOptions {
    // Append-only file (fsync every second) and a save on shutdown: what a
    // restart under live sessions should keep. Off: nothing on disk.
    bool persistence = false;
    int replica_of = 0;  // non-zero: a replica of the master on 127.0.0.1:replica_of
};

class RedisServer {
public:
    // Starts redis-server and returns once it answers PING (or throws with
    // its log).
    explicit RedisServer(RedisOptions opts = {});
    ~RedisServer();  // crash()
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    int port() const { return port_; }
    pid_t pid() const { return proc_ ? proc_->pid() : -1; }  // for CPU accounting (benchmarks)
    std::string url() const;        // "redis://127.0.0.1:<port>"
    std::string host_port() const;  // "127.0.0.1:<port>"
    std::string log() const;        // its log file so far
    bool running() const { return proc_ != nullptr; }

    std::string command(const std::vector<std::string>& args) const { return redis_command(port_, args); }
    // Every key (KEYS *), sorted, with their values (GET / HGETALL / ...),
    // one per line: for asserting what the directory holds.
    std::string dump() const;

    void stop();   // SIGTERM: redis saves (with persistence) and exits
    void crash();  // SIGKILL
    void start();  // again on the same port and directory
    void restart() { stop(); start(); }

private:
    void write_config();

    RedisOptions opts_;
    TempDir dir_;
    int port_;
    std::unique_ptr<Process> proc_;
};

struct SentinelOptions {
    std::string master_name = "tether";
    int master_port = 0;                         // the master on 127.0.0.1
    std::chrono::milliseconds down_after{1000};  // down-after-milliseconds
    std::chrono::milliseconds failover_timeout{10000};
    // Non-empty: this sentinel.conf (conf/cluster/sentinel.conf) instead of
    // the generated one, with this test's addresses: `port`, `bind`,
    // `dir`, `logfile` and the `sentinel monitor` line (127.0.0.1,
    // master_port, quorum 1: one sentinel here) are replaced; its master
    // name replaces master_name; its other lines are kept.
    std::string example_config;
};

// One redis-sentinel (quorum 1) watching one master: enough to test that
// the relays follow a failover; a real deployment runs three.
class Sentinel {
public:
    explicit Sentinel(SentinelOptions opts);  // returns once it monitors the master
    ~Sentinel();
    Sentinel(const Sentinel&) = delete;
    Sentinel& operator=(const Sentinel&) = delete;

    int port() const { return port_; }
    // "sentinel://127.0.0.1:<port>/<master name>", the relays' --redis.
    std::string url() const;
    std::string log() const;
    // The master's port as the sentinel sees it now.
    int master_port() const;
    // Waits until the sentinel logged a switch of the master to another
    // node (+switch-master) and returns the new master's port.
    int wait_for_failover(std::chrono::milliseconds timeout);
    // Waits until the sentinel knows the replica on `port` (it learns of
    // replicas from the master's INFO, every 10 s); false after `timeout`.
    bool wait_for_replica(int port, std::chrono::milliseconds timeout);

private:
    std::string head() const;  // port, bind, dir, logfile
    std::string generated_config() const;
    std::string localised_example();

    SentinelOptions opts_;
    TempDir dir_;
    int port_;
    std::unique_ptr<Process> proc_;
};

}  // namespace test_support
