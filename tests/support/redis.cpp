#include "support/redis.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/net.h"

namespace test_support {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(20);
// Redis and Sentinel cannot tell us when they are ready or what they did
// but through their port and log: poll every 50 ms.
constexpr auto kPoll = std::chrono::milliseconds(50);

// A connected blocking socket whose reads and writes time out.
class Conn {
public:
    Conn(int port, std::chrono::milliseconds timeout) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        sockaddr_in a = loopback(port);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
            throw std::runtime_error("nothing answers on 127.0.0.1:" + std::to_string(port));
    }
    ~Conn() { ::close(fd_); }
    void send(const std::string& s) {
        if (::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(s.size()))
            throw std::runtime_error("redis: write failed");
    }
    // One line without its CRLF.
    std::string line() {
        std::string l;
        while (l.size() < 2 || l.compare(l.size() - 2, 2, "\r\n") != 0) l.push_back(byte());
        return l.substr(0, l.size() - 2);
    }
    std::string bytes(std::size_t n) {
        std::string b;
        while (b.size() < n) b.push_back(byte());
        return b;
    }

private:
    char byte() {
        char c;
        if (::recv(fd_, &c, 1, 0) != 1) throw std::runtime_error("redis: no (complete) answer");
        return c;
    }
    int fd_ = -1;
};

std::string reply(Conn& c) {
    std::string l = c.line();
    if (l.empty()) throw std::runtime_error("redis: empty reply line");
    std::string rest = l.substr(1);
    switch (l[0]) {
    case '+':
    case ':':
        return rest;
    case '-':
        return l;
    case '$': {
        long n = std::stol(rest);
        if (n < 0) return "";
        std::string b = c.bytes(static_cast<std::size_t>(n));
        c.line();  // its CRLF
        return b;
    }
    case '*': {
        long n = std::stol(rest);
        std::string out;
        for (long i = 0; i < n; ++i) out += (i ? "\n" : "") + reply(c);
        return out;
    }
    default:
        throw std::runtime_error("redis: unexpected reply '" + l + "'");
    }
}

std::string tail(const std::string& s, std::size_t n = 3000) {
    return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

// Polls `ok` until it holds or `timeout` passes.
template <class F>
bool poll_until(F ok, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        try {
            if (ok()) return true;
        } catch (const std::exception&) {
            // not up yet
        }
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(kPoll);
    }
}

}  // namespace

std::string redis_command(int port, const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
    std::ostringstream req;
    req << "*" << args.size() << "\r\n";
    for (auto& a : args) req << "$" << a.size() << "\r\n" << a << "\r\n";
    Conn c(port, timeout);
    c.send(req.str());
    return reply(c);
}

// ---- RedisServer ----

RedisServer::RedisServer(RedisOptions opts) : opts_(opts), dir_("tether-redis"), port_(free_port()) {
    write_config();
    start();
}

RedisServer::~RedisServer() { crash(); }

void RedisServer::write_config() {
    std::ostringstream c;
    c << "port " << port_ << "\nbind 127.0.0.1\nprotected-mode no\ndaemonize no\n"
      << "dir " << dir_.path() << "\nlogfile " << dir_.file("redis.log") << "\n";
    if (opts_.persistence)
        c << "appendonly yes\nappendfsync everysec\nsave 3600 1\n";
    else
        c << "appendonly no\nsave \"\"\n";
    if (opts_.replica_of) c << "replicaof 127.0.0.1 " << opts_.replica_of << "\n";
    dir_.write("redis.conf", c.str());
}

void RedisServer::start() {
    ProcessOptions o;
    o.argv = {"/usr/bin/redis-server", dir_.file("redis.conf")};
    o.stdin_path = "/dev/null";
    proc_ = std::make_unique<Process>(o);
    bool up = poll_until([&] { return command({"PING"}) == "PONG"; }, kStartTimeout);
    if (!up) throw std::runtime_error("redis-server did not answer PING on " + host_port() + "; its log:\n" + tail(log()));
}

void RedisServer::stop() {
    if (!proc_) return;
    proc_->signal(SIGTERM);
    proc_->wait(std::chrono::seconds(20));
    proc_.reset();
}

void RedisServer::crash() {
    if (!proc_) return;
    proc_->kill_group(std::chrono::milliseconds(0));
    proc_->wait(std::chrono::seconds(10));
    proc_.reset();
}

std::string RedisServer::url() const { return "redis://" + host_port(); }
std::string RedisServer::host_port() const { return "127.0.0.1:" + std::to_string(port_); }
std::string RedisServer::log() const { return read_file(dir_.file("redis.log")); }

std::string RedisServer::dump() const {
    std::istringstream keys(command({"KEYS", "*"}));
    std::vector<std::string> sorted;
    for (std::string k; std::getline(keys, k);)
        if (!k.empty()) sorted.push_back(k);
    std::sort(sorted.begin(), sorted.end());
    std::string out;
    for (auto& k : sorted) {
        std::string type = command({"TYPE", k}), value;
        if (type == "string") value = command({"GET", k});
        else if (type == "hash") value = command({"HGETALL", k});
        else if (type == "set") value = command({"SMEMBERS", k});
        else if (type == "list") value = command({"LRANGE", k, "0", "-1"});
        else if (type == "zset") value = command({"ZRANGE", k, "0", "-1"});
        std::replace(value.begin(), value.end(), '\n', ' ');
        out += k + " (" + type + "): " + value + "\n";
    }
    return out;
}

// ---- Sentinel ----

Sentinel::Sentinel(SentinelOptions opts) : opts_(std::move(opts)), dir_("tether-sentinel"), port_(free_port()) {
    // Sentinel rewrites its configuration file (what it learnt): it must be
    // a file of its own in a writable directory.
    dir_.write("sentinel.conf", opts_.example_config.empty() ? generated_config() : localised_example());
    ProcessOptions o;
    o.argv = {"/usr/bin/redis-sentinel", dir_.file("sentinel.conf")};
    o.stdin_path = "/dev/null";
    proc_ = std::make_unique<Process>(o);
    const std::string& m = opts_.master_name;
    bool up = poll_until([&] { return log().find("+monitor master " + m) != std::string::npos; }, kStartTimeout) &&
              poll_until([&] { return master_port() == opts_.master_port; }, kStartTimeout);
    if (!up) throw std::runtime_error("redis-sentinel did not start monitoring; its log:\n" + tail(log()));
}

std::string Sentinel::head() const {
    std::ostringstream c;
    c << "port " << port_ << "\nbind 127.0.0.1\nprotected-mode no\ndaemonize no\n"
      << "dir " << dir_.path() << "\nlogfile " << dir_.file("sentinel.log") << "\n";
    return c.str();
}

std::string Sentinel::generated_config() const {
    std::ostringstream c;
    const std::string& m = opts_.master_name;
    c << head() << "sentinel resolve-hostnames no\n"
      << "sentinel monitor " << m << " 127.0.0.1 " << opts_.master_port << " 1\n"
      << "sentinel down-after-milliseconds " << m << " " << opts_.down_after.count() << "\n"
      << "sentinel failover-timeout " << m << " " << opts_.failover_timeout.count() << "\n"
      << "sentinel parallel-syncs " << m << " 1\n";
    return c.str();
}

// An operator's sentinel.conf with this test's addresses; sets
// opts_.master_name from its monitor line.
std::string Sentinel::localised_example() {
    std::istringstream in(read_file(opts_.example_config));
    if (in.str().empty()) throw std::runtime_error("cannot read " + opts_.example_config);
    const std::regex replaced(R"(^\s*(port|bind|dir|logfile|daemonize|protected-mode)\s.*$)"),
        monitor(R"(^\s*sentinel\s+monitor\s+(\S+)\s.*$)");
    std::ostringstream out;
    out << head();
    std::smatch m;
    bool monitors = false;
    for (std::string l; std::getline(in, l);) {
        if (std::regex_match(l, replaced)) continue;
        if (std::regex_match(l, m, monitor)) {
            opts_.master_name = m[1];
            out << "sentinel monitor " << opts_.master_name << " 127.0.0.1 " << opts_.master_port << " 1\n";
            monitors = true;
        } else {
            out << l << "\n";
        }
    }
    if (!monitors) throw std::runtime_error(opts_.example_config + " has no 'sentinel monitor' line");
    return out.str();
}

Sentinel::~Sentinel() {
    if (proc_) proc_->kill_group(std::chrono::milliseconds(0));
}

std::string Sentinel::url() const {
    return "sentinel://127.0.0.1:" + std::to_string(port_) + "/" + opts_.master_name;
}

std::string Sentinel::log() const { return read_file(dir_.file("sentinel.log")); }

int Sentinel::master_port() const {
    std::string addr = redis_command(port_, {"SENTINEL", "get-master-addr-by-name", opts_.master_name});
    auto nl = addr.find('\n');
    if (nl == std::string::npos) throw std::runtime_error("sentinel knows no master: " + addr);
    return std::stoi(addr.substr(nl + 1));
}

int Sentinel::wait_for_failover(std::chrono::milliseconds timeout) {
    int now = 0;
    bool moved = poll_until(
        [&] {
            now = master_port();
            return now != opts_.master_port && log().find("+switch-master") != std::string::npos;
        },
        timeout);
    if (!moved) throw std::runtime_error("no failover within the time; sentinel log:\n" + tail(log()));
    return now;
}

bool Sentinel::wait_for_replica(int port, std::chrono::milliseconds timeout) {
    return poll_until(
        [&] {
            return redis_command(port_, {"SENTINEL", "replicas", opts_.master_name}).find(std::to_string(port)) !=
                   std::string::npos;
        },
        timeout);
}

}  // namespace test_support
