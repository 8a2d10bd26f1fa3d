#include "support/haproxy.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/net.h"

namespace test_support {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(20);

std::string node_name(std::size_t i) { return "node" + std::to_string(i); }

// One command on HAProxy's stats socket; the answer up to its close.
std::string stats_command(const std::string& socket_path, const std::string& cmd) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    socket_path.copy(a.sun_path, sizeof a.sun_path - 1);
    std::string out;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        std::string line = cmd + "\n";
        (void)::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
        char buf[4096];
        for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(s);
    while (std::getline(in, field, sep)) out.push_back(field);
    return out;
}

}  // namespace

Haproxy::Haproxy(HaproxyOptions opts) : opts_(std::move(opts)), dir_("tether-haproxy"), port_(free_port()) {
    write_config();
    start();
    for (std::size_t i = 0; i < opts_.backend_ports.size(); ++i)
        if (!wait_for_backend(i, true, kStartTimeout))
            throw std::runtime_error("haproxy: backend " + node_name(i) + " never passed its health check; log:\n" + log());
}

Haproxy::~Haproxy() { stop(); }

// An operator's haproxy.cfg with this test's addresses (see
// HaproxyOptions::example_config).
std::string Haproxy::localised_example() const {
    std::istringstream in(read_file(opts_.example_config));
    if (in.str().empty()) throw std::runtime_error("cannot read " + opts_.example_config);
    const std::regex bind(R"(^(\s*)bind\s.*$)"), log(R"(^(\s*)log\s+(?!global).*$)"), global(R"(^global\s*$)"),
        server(R"(^(\s*)server\s+\S+\s+\S+(.*)$)");
    std::ostringstream out;
    std::size_t servers = 0;
    std::smatch m;
    for (std::string l; std::getline(in, l);) {
        if (std::regex_match(l, m, bind)) {
            out << m[1] << "bind 127.0.0.1:" << port_ << "\n";
        } else if (std::regex_match(l, m, log)) {
            out << m[1] << "log stdout format raw local0 info\n";
        } else if (std::regex_match(l, m, server)) {
            if (servers >= opts_.backend_ports.size()) throw std::runtime_error("more server lines than backends");
            out << m[1] << "server " << node_name(servers) << " 127.0.0.1:" << opts_.backend_ports[servers] << m[2]
                << "\n";
            ++servers;
        } else {
            out << l << "\n";
            if (std::regex_match(l, global)) out << "  stats socket " << dir_.file("stats.sock") << " mode 600 level admin\n";
        }
    }
    if (servers != opts_.backend_ports.size())
        throw std::runtime_error(opts_.example_config + " has " + std::to_string(servers) + " server lines, not " +
                                 std::to_string(opts_.backend_ports.size()));
    return out.str();
}

// The configuration docs/RELAY.md shows (conf/cluster/haproxy.cfg is the
// commented example of the same), with this test's ports.
void Haproxy::write_config() {
    if (!opts_.example_config.empty()) {
        dir_.write("haproxy.cfg", localised_example());
        return;
    }
    std::ostringstream c;
    c << "global\n"
      << "  log stdout format raw local0 info\n"
      << "  stats socket " << dir_.file("stats.sock") << " mode 600 level admin\n"
      << "  maxconn 4096\n"
      << "defaults\n"
      << "  mode tcp\n"
      << "  log global\n"
      << "  option tcplog\n"
      << "  option redispatch 1\n"  // every retry goes to another server: no 1 s turn-around on a dead one
      << "  retries 3\n"
      << "  timeout connect 2s\n"
      << "  timeout client " << opts_.timeout_client.count() << "s\n"
      << "  timeout server " << opts_.timeout_server.count() << "s\n"
      << "  timeout tunnel " << opts_.timeout_tunnel.count() << "s\n"
      << "frontend relays\n"
      << "  bind 127.0.0.1:" << port_ << "\n"
      << "  default_backend nodes\n"
      << "backend nodes\n"
      << "  balance " << opts_.balance << "\n"
      << "  option httpchk GET /readyz\n"
      << "  http-check send hdr Host relay\n"
      << "  http-check expect status 200\n";
    for (std::size_t i = 0; i < opts_.backend_ports.size(); ++i)
        c << "  server " << node_name(i) << " 127.0.0.1:" << opts_.backend_ports[i]
          << " check check-ssl verify none inter 500 fall 1 rise 1\n";
    dir_.write("haproxy.cfg", c.str());
}

void Haproxy::start() {
    ProcessOptions o;
    o.argv = {"/usr/sbin/haproxy", "-db", "-f", dir_.file("haproxy.cfg")};
    o.stdin_path = "/dev/null";
    proc_ = std::make_unique<Process>(o);
    if (!wait_for_port(port_, kStartTimeout))
        throw std::runtime_error("haproxy did not start; its output:\n" + log());
    // The stats socket comes up with the listener, but not before it.
    auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    while (backend_states().size() < opts_.backend_ports.size()) {
        if (std::chrono::steady_clock::now() >= deadline)
            throw std::runtime_error("haproxy's stats socket does not list the backends; its output:\n" + log());
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void Haproxy::stop() {
    if (!proc_) return;
    proc_->kill_group(std::chrono::seconds(5));
    proc_->wait(std::chrono::seconds(10));
    old_log_ += proc_->out() + proc_->err();
    proc_.reset();
}

std::string Haproxy::url(const std::string& host) const {
    return "https://" + host + ":" + std::to_string(port_) + "/";
}

std::string Haproxy::config() const { return read_file(dir_.file("haproxy.cfg")); }

std::string Haproxy::log() const { return old_log_ + (proc_ ? proc_->out() + proc_->err() : ""); }

std::map<std::string, std::string> Haproxy::backend_states() const {
    // CSV: pxname,svname,...; the 18th field (index 17) is status.
    std::map<std::string, std::string> out;
    std::istringstream lines(stats_command(dir_.file("stats.sock"), "show stat"));
    for (std::string line; std::getline(lines, line);) {
        auto f = split(line, ',');
        if (f.size() > 17 && f[1].rfind("node", 0) == 0) out[f[1]] = f[17];
    }
    return out;
}

bool Haproxy::wait_for_backend(std::size_t index, bool up, std::chrono::milliseconds timeout) const {
    // HAProxy cannot notify us: ask every 50 ms.
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto states = backend_states();
        auto it = states.find(node_name(index));
        // Absent: the stats socket is not answering yet; neither up nor down.
        if (it != states.end() && (it->second == "UP") == up) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace test_support
