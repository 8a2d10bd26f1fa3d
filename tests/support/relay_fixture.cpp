#include "support/relay_fixture.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace test_support {

constexpr auto kStartTimeout = std::chrono::seconds(20);

// TETHER_BENCH_RELAY (benchmarks only): another tether-relay to measure,
// e.g. the baseline scripts/build-relay-baseline.sh builds.
std::string relay_binary() {
    if (const char* other = std::getenv("TETHER_BENCH_RELAY"); other && *other) return other;
#ifdef TETHER_RELAY_BIN
    return TETHER_RELAY_BIN;
#else
    throw std::runtime_error("this build has no tether-relay target");
#endif
}

Relay::Relay(RelayOptions opts) : dir_("tether-relay") {
    ProcessOptions o;
    o.argv = {relay_binary(), "--dev", "--dev-names", "relay.tether.test,localhost,127.0.0.1",
              "--listen", "127.0.0.1:0", "--state-dir", dir_.path()};
    o.argv.insert(o.argv.end(), opts.extra_args.begin(), opts.extra_args.end());
    o.stdin_path = "/dev/null";
    proc_ = std::make_unique<Process>(o);
    // The relay may print its address on stdout or stderr; accept both.
    const std::string re = "listening on https://[^ :]+:([0-9]+)";
    std::vector<std::string> m;
    try {
        m = proc_->wait_for_line(Process::Stream::err, re, kStartTimeout);
    } catch (const std::exception&) {
        m = proc_->wait_for_line(Process::Stream::out, re, std::chrono::milliseconds(100));
    }
    port_ = std::stoi(m.at(1));
    ca_file_ = find_certificate();
}

Relay::~Relay() = default;  // the Process kills it

std::string Relay::url(const std::string& host) const {
    return "https://" + host + ":" + std::to_string(port_) + "/";
}

std::string Relay::log() const { return proc_->err() + proc_->out(); }

// The --dev certificate in the state directory: the PEM that is not a key.
std::string Relay::find_certificate() const {
    for (auto& e : std::filesystem::recursive_directory_iterator(dir_.path())) {
        std::string name = e.path().filename().string();
        bool pem = name.size() > 4 && (name.substr(name.size() - 4) == ".pem" ||
                                       name.substr(name.size() - 4) == ".crt");
        if (pem && name.find("key") == std::string::npos) return e.path().string();
    }
    throw std::runtime_error("tether-relay --dev left no certificate in " + dir_.path());
}

}  // namespace test_support
