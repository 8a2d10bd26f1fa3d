#include "poll_fixture.h"

#include <atomic>
#include <stdexcept>
#include <thread>

#include "support/relay_fixture.h"
#include "support/sha256.h"
#include "tunnel/session_client.h"

namespace e2e_poll {
namespace {

using namespace std::chrono_literals;

session::SessionOptions options_for(std::shared_ptr<std::vector<std::string>> log, std::shared_ptr<std::mutex> mu) {
    session::SessionOptions o;
    o.on_status = [log, mu](const session::SessionStatus& s) {
        std::lock_guard<std::mutex> lk(*mu);
        log->push_back(std::string(session::to_string(s.state)) + ": " + s.detail);
    };
    return o;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string all;
    for (auto& l : lines) all += "\n  " + l;
    return all;
}

void wait_connected(session::SessionStream& s, const char* who, const std::vector<std::string>& log) {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (s.status().state != session::SessionState::connected) {
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error(std::string(who) + " never connected; its states:" + joined(log));
        std::this_thread::sleep_for(20ms);
    }
}

std::string pattern(std::size_t n, std::uint64_t seed) {
    std::string s(n, '\0');
    std::uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (auto& c : s) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        c = static_cast<char>(x);
    }
    return s;
}

// Writes all of `out` to `s` (then fin) while reading everything from `s`.
std::string send_and_receive(session::SessionStream& s, const std::string& out,
                             std::atomic<std::size_t>& progress) {
    std::thread writer([&] {
        for (std::size_t i = 0; i < out.size(); i += 256 * 1024)
            s.write(out.data() + i, std::min<std::size_t>(256 * 1024, out.size() - i));
        s.shutdown_write();
    });
    std::string in;
    char buf[64 * 1024];
    while (std::size_t n = s.read(buf, sizeof buf)) {
        in.append(buf, n);
        progress += n;
    }
    writer.join();
    return in;
}

}  // namespace

Pair make_pair(const tunnel::EndpointConfig& cfg, const tunnel::TransportPolicy& policy) {
    tunnel::SessionClient api(cfg);
    auto created = api.create("poll test");
    auto joined = api.join(created.code);
    Pair p;
    p.desk_log = std::make_shared<std::vector<std::string>>();
    p.client_log = std::make_shared<std::vector<std::string>>();
    p.desk = std::make_unique<session::SessionStream>(
        tunnel::transport_factory(cfg, created.token, policy), options_for(p.desk_log, p.log_mu));
    p.client = std::make_unique<session::SessionStream>(
        tunnel::transport_factory(cfg, joined.token, policy), options_for(p.client_log, p.log_mu));
    wait_connected(*p.desk, "desk", *p.desk_log);
    wait_connected(*p.client, "client", *p.client_log);
    return p;
}

bool exchange(Pair& p, std::size_t bytes, const std::function<void()>& midway) {
    const std::string a = pattern(bytes, 1), b = pattern(bytes, 2);
    std::atomic<std::size_t> progress{0};
    std::string at_client, at_desk;
    std::thread desk([&] { at_desk = send_and_receive(*p.desk, a, progress); });
    std::thread client([&] { at_client = send_and_receive(*p.client, b, progress); });
    if (midway) {
        while (progress < bytes && at_desk.empty()) std::this_thread::sleep_for(5ms);
        midway();
    }
    desk.join();
    client.join();
    return test_support::sha256(at_client) == test_support::sha256(a) &&
           test_support::sha256(at_desk) == test_support::sha256(b);
}

std::pair<std::string, std::string> make_cert(const test_support::TempDir& dir) {
    std::string cert = dir.file("cert.pem"), key = dir.file("key.pem");
    auto r = test_support::run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                                "-days", "2", "-subj", "/CN=relay.tether.test", "-addext",
                                "subjectAltName=DNS:relay.tether.test,IP:127.0.0.1"});
    if (r.code != 0) throw std::runtime_error("openssl req failed: " + r.output);
    return {cert, key};
}

std::pair<std::string, std::string> make_ca(const test_support::TempDir& dir) {
    std::string cert = dir.file("ca.pem"), key = dir.file("ca.key");
    auto r = test_support::run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                                "-days", "2", "-subj", "/CN=Tether test inspection CA", "-addext",
                                "basicConstraints=critical,CA:TRUE", "-addext",
                                "keyUsage=critical,keyCertSign,cRLSign"});
    if (r.code != 0) throw std::runtime_error("openssl req (CA) failed: " + r.output);
    return {cert, key};
}

PlainRelay::PlainRelay() {
    test_support::ProcessOptions o;
    o.argv = {test_support::relay_binary(), "--plain-http", "--listen", "127.0.0.1:0",
              "--state-dir", dir.path()};
    o.stdin_path = "/dev/null";
    proc = std::make_unique<test_support::Process>(o);
    key = proc->wait_for_line(test_support::Process::Stream::err, "request key \\(proxy.conf relay_key[^:]*: ([0-9a-f]{64})",
                              20s).at(1);
    auto m = proc->wait_for_line(test_support::Process::Stream::err, "listening on http://[^ :]+:([0-9]+)", 20s);
    port = std::stoi(m.at(1));
}

std::string PlainRelay::url() const { return "http://127.0.0.1:" + std::to_string(port) + "/"; }

}  // namespace e2e_poll
