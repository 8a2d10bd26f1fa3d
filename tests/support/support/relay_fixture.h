// A real tether-relay for end-to-end tests: --dev (self-signed certificate
// for relay.tether.test, localhost and 127.0.0.1), --listen 127.0.0.1:0,
// state in its own temporary directory. The binary is the one built in this
// tree (compile definition), never one from PATH.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace test_support {

struct RelayOptions {
    std::vector<std::string> extra_args;  // e.g. {"--code-ttl", "2"}
};

class Relay {
public:
    // Starts the relay and returns once it printed its listening address.
    explicit Relay(RelayOptions opts = {});
    ~Relay();

    int port() const { return port_; }
    // Base URL with the given host name (it must be one of the dev names).
    std::string url(const std::string& host = "127.0.0.1") const;
    std::string ca_file() const { return ca_file_; }  // PEM to pass as --ca
    std::string log() const;                          // its stderr so far
    Process& process() { return *proc_; }

private:
    std::string find_certificate() const;

    TempDir dir_;
    std::unique_ptr<Process> proc_;
    int port_ = 0;
    std::string ca_file_;
};

// Path of the built tether-relay (throws if this tree has none).
std::string relay_binary();

}  // namespace test_support
