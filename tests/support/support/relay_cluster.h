// N real tether-relay nodes sharing one Redis directory (issue 18), for the
// cluster's end-to-end tests and bench/cluster. Every node gets what
// docs/RELAY.md "A cluster" asks of a deployment: the same TLS certificate
// (made once here with openssl, for relay.tether.test, localhost and
// 127.0.0.1), the same request key (`--request-key`, made by the first
// node), the same `--cluster-secret-file` (0600), `--redis URL`, its own
// `--node-id nodeI`, `--listen 127.0.0.1:0` and `--cluster-listen
// 127.0.0.1:0`. A node can be killed (-9), stopped (SIGTERM: a drain) and
// started again on the same two ports. Each node's output of every run is
// kept (logs(), and files in the cluster's directory, kept with
// TETHER_KEEP_TMP=1) so that a failing test can show it.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace test_support {

struct RelayClusterOptions {
    std::size_t nodes = 3;
    std::string redis_url;                // --redis: redis://... or sentinel://...
    std::vector<std::string> extra_args;  // for every node, e.g. {"--grace", "30"}
    int drain_time_s = 15;                // --drain-time (SIGTERM hands sessions over)
    // Non-empty: every node reads this relay.conf (--config; e.g.
    // conf/cluster/relay.conf) and the command line moves only the
    // addresses, files, --redis and --node-id to this test's; drain_time_s
    // and the per-address limits then come from the file.
    std::string config_file;
};

// An HTTPS answer (or status 0 and the error in `body` if none came).
struct HttpAnswer {
    int status = 0;
    std::string body;
};

// One HTTPS request to `base_url` (e.g. "https://127.0.0.1:PORT/"),
// verifying the server against `ca_file`; `headers` are added as given.
// Connection and read timeouts of 10 s.
HttpAnswer https_request(const std::string& base_url, const std::string& ca_file, const std::string& method,
                         const std::string& path, const std::string& body = "",
                         const std::map<std::string, std::string>& headers = {});

class RelayCluster {
public:
    // Starts every node (the first alone: it makes the request key) and
    // returns once each printed both of its addresses.
    explicit RelayCluster(RelayClusterOptions opts);
    ~RelayCluster();  // kills what still runs; writes nodeI.log files
    RelayCluster(const RelayCluster&) = delete;
    RelayCluster& operator=(const RelayCluster&) = delete;

    std::size_t size() const { return nodes_.size(); }
    int port(std::size_t i) const { return nodes_.at(i).port; }                  // public TLS
    int cluster_port(std::size_t i) const { return nodes_.at(i).cluster_port; }  // cluster listener
    std::vector<int> ports() const;
    std::string node_id(std::size_t i) const { return "node" + std::to_string(i); }
    std::string url(std::size_t i, const std::string& host = "127.0.0.1") const;
    std::string ca_file() const { return dir_.file("cert.pem"); }  // the shared certificate (self-signed)
    std::string key_file() const { return dir_.file("key.pem"); }
    std::string secret_file() const { return dir_.file("cluster-secret"); }
    std::string request_key_file() const { return dir_.file("request-key"); }
    // The argv a node gets (without the binary), for docs and config tests.
    std::vector<std::string> node_args(std::size_t i) const;

    bool running(std::size_t i) const { return nodes_.at(i).proc != nullptr; }
    Process& process(std::size_t i) { return *nodes_.at(i).proc; }

    void kill(std::size_t i);  // SIGKILL, reaped
    // SIGTERM (a drain, with a cluster configured); waits for the exit and
    // returns its code. Throws if it did not exit within `timeout`.
    int terminate(std::size_t i, std::chrono::milliseconds timeout);
    void start(std::size_t i);  // again, on the same ports
    void restart(std::size_t i, std::chrono::milliseconds drain_timeout) {
        terminate(i, drain_timeout);
        start(i);
    }

    std::string log(std::size_t i) const;  // node i's output, every run
    std::string logs() const;              // every node's, headed "==== nodeI"

    // GET `path` from node i directly (not through a balancer).
    HttpAnswer get(std::size_t i, const std::string& path) const;
    // The value of one Prometheus series of node i, e.g.
    // `tether_relay_sessions{state="connected"}`; -1 if absent.
    double metric(std::size_t i, const std::string& series) const;

private:
    struct Node {
        int port = 0, cluster_port = 0;
        std::unique_ptr<Process> proc;
        std::string old_output;  // earlier runs
    };
    void make_certificate();
    void make_secret();
    void finish_run(Node& n, const std::string& how);

    RelayClusterOptions opts_;
    TempDir dir_;
    std::vector<Node> nodes_;
};

}  // namespace test_support
