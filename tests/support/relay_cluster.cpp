#include "support/relay_cluster.h"

#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <iomanip>
#include <random>
#include <sstream>
#include <stdexcept>

#include "support/relay_fixture.h"

namespace test_support {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(30);  // a loaded 2-core machine
constexpr auto kHttpTimeout = std::chrono::seconds(10);

// Waits for `re` on stdout or stderr (the relay prints its addresses on
// stdout and logs them on stderr); throws with its output if it exits or
// the time runs out.
std::vector<std::string> wait_either(Process& p, const std::string& re, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (auto s : {Process::Stream::out, Process::Stream::err}) {
            try {
                return p.wait_for_line(s, re, std::chrono::milliseconds(100));
            } catch (const std::exception&) {
                // not on this stream (yet)
            }
        }
        if (p.exit_code() || std::chrono::steady_clock::now() >= deadline)
            throw std::runtime_error("tether-relay node did not print /" + re + "/ (" +
                                     (p.exit_code() ? "exited " + std::to_string(*p.exit_code()) : "timed out") +
                                     "); its output:\n" + p.out() + p.err());
    }
}

}  // namespace

HttpAnswer https_request(const std::string& base_url, const std::string& ca_file, const std::string& method,
                         const std::string& path, const std::string& body,
                         const std::map<std::string, std::string>& headers) {
    httplib::Client cli(base_url.substr(0, base_url.find('/', 8)));
    cli.set_ca_cert_path(ca_file.c_str());
    cli.enable_server_certificate_verification(true);
    cli.set_connection_timeout(kHttpTimeout);
    cli.set_read_timeout(kHttpTimeout);
    httplib::Headers h(headers.begin(), headers.end());
    httplib::Result r = method == "GET"      ? cli.Get(path.c_str(), h)
                        : method == "DELETE" ? cli.Delete(path.c_str(), h)
                                             : cli.Post(path.c_str(), h, body, "application/json");
    if (!r) return {0, "no answer: " + httplib::to_string(r.error())};
    return {r->status, r->body};
}

RelayCluster::RelayCluster(RelayClusterOptions opts) : opts_(std::move(opts)), dir_("tether-cluster") {
    if (opts_.redis_url.empty()) throw std::runtime_error("RelayCluster needs a redis_url");
    make_certificate();
    make_secret();
    nodes_.resize(opts_.nodes);
    for (std::size_t i = 0; i < nodes_.size(); ++i) start(i);
}

RelayCluster::~RelayCluster() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (nodes_[i].proc) kill(i);
        std::ofstream(dir_.file(node_id(i) + ".log")) << nodes_[i].old_output;
    }
}

// The operator's certificate, shared by every node: self-signed for the
// names the tests use, CA:TRUE so that endpoints can trust it with --ca.
void RelayCluster::make_certificate() {
    auto r = run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                  "-keyout", key_file(), "-out", ca_file(), "-days", "2", "-subj", "/CN=relay.tether.test",
                  "-addext", "subjectAltName=DNS:relay.tether.test,DNS:localhost,IP:127.0.0.1",
                  "-addext", "basicConstraints=critical,CA:TRUE"});
    if (r.code != 0) throw std::runtime_error("openssl req failed: " + r.output);
    ::chmod(key_file().c_str(), 0600);
}

void RelayCluster::make_secret() {
    std::random_device rd;
    std::ostringstream hex;
    for (int i = 0; i < 8; ++i) hex << std::hex << std::setw(8) << std::setfill('0') << rd();  // 64 hex digits
    dir_.write("cluster-secret", hex.str() + "\n");
    ::chmod(secret_file().c_str(), 0600);
}

std::vector<std::string> RelayCluster::node_args(std::size_t i) const {
    const Node& n = nodes_.at(i);
    std::string state = dir_.file(node_id(i) + "-state");
    std::vector<std::string> a = {
        "--listen", "127.0.0.1:" + std::to_string(n.port),
        "--cert", ca_file(), "--key", key_file(),
        "--request-key", request_key_file(),
        "--state-dir", state,
        "--redis", opts_.redis_url,
        "--node-id", node_id(i),
        "--cluster-listen", "127.0.0.1:" + std::to_string(n.cluster_port),
        "--cluster-secret-file", secret_file()};
    if (!opts_.config_file.empty()) a.insert(a.begin(), {"--config", opts_.config_file});
    else
        a.insert(a.end(), {"--drain-time", std::to_string(opts_.drain_time_s),
                           // Every client comes from 127.0.0.1 (HAProxy, the tests).
                           "--create-rate-per-ip", "0"});
    a.insert(a.end(), opts_.extra_args.begin(), opts_.extra_args.end());
    return a;
}

void RelayCluster::start(std::size_t i) {
    Node& n = nodes_.at(i);
    if (n.proc) throw std::runtime_error(node_id(i) + " is already running");
    ::mkdir(dir_.file(node_id(i) + "-state").c_str(), 0700);
    ProcessOptions o;
    o.argv = {relay_binary()};
    auto args = node_args(i);
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.stdin_path = "/dev/null";
    o.env["XDG_CONFIG_HOME"] = "/nonexistent-tether-test";  // no relay.conf of the user running the tests
    n.proc = std::make_unique<Process>(o);
    try {
        n.port = std::stoi(wait_either(*n.proc, "listening on https://[^ :]+:([0-9]+)", kStartTimeout).at(1));
        n.cluster_port = std::stoi(wait_either(*n.proc, "cluster listener on [^ :]+:([0-9]+)", kStartTimeout).at(1));
    } catch (...) {
        finish_run(n, "failed to start");
        throw;
    }
}

void RelayCluster::finish_run(Node& n, const std::string& how) {
    n.old_output += n.proc->out() + n.proc->err() + "---- " + how + "\n";
    n.proc.reset();
}

void RelayCluster::kill(std::size_t i) {
    Node& n = nodes_.at(i);
    if (!n.proc) return;
    n.proc->signal(SIGKILL);
    n.proc->wait(std::chrono::seconds(10));
    finish_run(n, "killed (SIGKILL)");
}

int RelayCluster::terminate(std::size_t i, std::chrono::milliseconds timeout) {
    Node& n = nodes_.at(i);
    if (!n.proc) throw std::runtime_error(node_id(i) + " is not running");
    n.proc->signal(SIGTERM);
    int code = n.proc->wait(timeout);  // throws on timeout; the node keeps running
    finish_run(n, "stopped (SIGTERM), exit " + std::to_string(code));
    return code;
}

std::vector<int> RelayCluster::ports() const {
    std::vector<int> p;
    for (auto& n : nodes_) p.push_back(n.port);
    return p;
}

std::string RelayCluster::url(std::size_t i, const std::string& host) const {
    return "https://" + host + ":" + std::to_string(port(i)) + "/";
}

std::string RelayCluster::log(std::size_t i) const {
    const Node& n = nodes_.at(i);
    return n.old_output + (n.proc ? n.proc->out() + n.proc->err() : "");
}

std::string RelayCluster::logs() const {
    std::string all;
    for (std::size_t i = 0; i < nodes_.size(); ++i) all += "==== " + node_id(i) + "\n" + log(i);
    return all;
}

HttpAnswer RelayCluster::get(std::size_t i, const std::string& path) const {
    return https_request(url(i), ca_file(), "GET", path);
}

double RelayCluster::metric(std::size_t i, const std::string& series) const {
    HttpAnswer a = get(i, "/metrics");
    std::istringstream lines(a.body);
    for (std::string l; std::getline(lines, l);)
        if (l.size() > series.size() && l.compare(0, series.size(), series) == 0 && l[series.size()] == ' ')
            return std::stod(l.substr(series.size() + 1));
    return -1;
}

}  // namespace test_support
