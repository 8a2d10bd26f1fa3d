#include "paths.h"

#include "support/net.h"

namespace bench {
namespace {

using namespace std::chrono_literals;
using test_support::ProcessOptions;
constexpr auto kSetupTimeout = 20s;
// socat's copy buffer: 64 KiB gives it its best bulk numbers (default 8 KiB).
const std::string kSocatBuffer = "65536";

std::unique_ptr<Process> spawn(std::vector<std::string> argv, const std::string& out = "") {
    ProcessOptions o;
    o.argv = std::move(argv);
    o.stdout_path = out;
    o.unset_env = {"http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"};
    return std::make_unique<Process>(o);
}

class TetherPath : public Path {
public:
    TetherPath(const test_support::Squid& squid, const test_support::Relay& relay, const std::string& b_out) {
        std::vector<std::string> common = {TETHER_TUNNEL_BIN, "-v", "--relay", relay.url(),
                                           "--ca", relay.ca_file(), "--proxy", squid.url()};
        auto with = [&](std::vector<std::string> extra) {
            auto v = common;
            v.insert(v.end(), extra.begin(), extra.end());
            return v;
        };
        a_ = spawn(with({"open"}));
        std::string code = a_->wait_for_line(Process::Stream::err, "^TETHER_CODE=([0-9]+)", kSetupTimeout).at(1);
        b_ = spawn(with({"join", code}), b_out);
        for (Process* p : {a_.get(), b_.get()})
            p->wait_for_line(Process::Stream::err, "tether-tunnel: connected", kSetupTimeout);
    }
    Process& a() override { return *a_; }
    Process& b() override { return *b_; }

private:
    std::unique_ptr<Process> a_, b_;
};

class SocatPath : public Path {
public:
    SocatPath(const test_support::Squid& squid, const test_support::TempDir& dir, const std::string& b_out) {
        make_certificate(dir);
        int r1 = test_support::free_port(), r2 = test_support::free_port();
        std::string tls = ",reuseaddr,cert=" + dir.file("cert.pem") + ",key=" + dir.file("key.pem") + ",verify=0";
        relay_ = spawn({"socat", "-d", "-d", "-b", kSocatBuffer, "OPENSSL-LISTEN:" + std::to_string(r1) + ",bind=127.0.0.1" + tls,
                        "OPENSSL-LISTEN:" + std::to_string(r2) + ",bind=127.0.0.1" + tls});
        relay_->wait_for_line(Process::Stream::err, "listening on .*:" + std::to_string(r1), kSetupTimeout);
        a_ = side(squid, r1, fwd_a_, "");
        relay_->wait_for_line(Process::Stream::err, "listening on .*:" + std::to_string(r2), kSetupTimeout);
        b_ = side(squid, r2, fwd_b_, b_out);
    }
    Process& a() override { return *a_; }
    Process& b() override { return *b_; }

private:
    static void make_certificate(const test_support::TempDir& dir) {
        auto r = test_support::run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                    "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1",
                                    "-days", "1", "-keyout", dir.file("key.pem"), "-out", dir.file("cert.pem")});
        if (r.code != 0) throw std::runtime_error("openssl req failed: " + r.output);
    }

    // Forwarder (CONNECT through squid) plus the TLS endpoint over it.
    std::unique_ptr<Process> side(const test_support::Squid& squid, int relay_port,
                                  std::unique_ptr<Process>& fwd, const std::string& out) {
        int local = test_support::free_port();
        fwd = spawn({"socat", "-d", "-d", "-b", kSocatBuffer,
                     "TCP-LISTEN:" + std::to_string(local) + ",bind=127.0.0.1,reuseaddr",
                     "PROXY:127.0.0.1:127.0.0.1:" + std::to_string(relay_port) +
                         ",proxyport=" + std::to_string(squid.port())});
        fwd->wait_for_line(Process::Stream::err, "listening on", kSetupTimeout);
        auto end = spawn({"socat", "-d", "-d", "-b", kSocatBuffer, "STDIO",
                          "OPENSSL:127.0.0.1:" + std::to_string(local) + ",verify=0"}, out);
        end->wait_for_line(Process::Stream::err, "starting data transfer loop", kSetupTimeout);
        return end;
    }

    std::unique_ptr<Process> relay_, fwd_a_, fwd_b_, a_, b_;
};

}  // namespace

std::unique_ptr<Path> tether_path(const test_support::Squid& squid, const test_support::Relay& relay,
                                  const std::string& b_out) {
    return std::make_unique<TetherPath>(squid, relay, b_out);
}

std::unique_ptr<Path> socat_path(const test_support::Squid& squid, const test_support::TempDir& dir,
                                 const std::string& b_out) {
    return std::make_unique<SocatPath>(squid, dir, b_out);
}

}  // namespace bench
