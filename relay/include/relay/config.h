// Everything tether-relay can be told (docs/RELAY.md lists the options).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "relay/log.h"

namespace relay {

struct Config {
    std::string listen_host = "0.0.0.0";
    int listen_port = 8443;  // 0: ephemeral; the chosen port is printed
    std::string cert_file, key_file;
    bool dev = false;  // self-signed certificate in state_dir
    std::string state_dir;
    std::string dev_names = "relay.tether.test,localhost,127.0.0.1";
    bool plain_http = false;  // tests only: no TLS at all
    std::chrono::seconds code_ttl{600};
    std::chrono::seconds grace{60};
    std::chrono::seconds tombstone_ttl{3600};
    // Idle downlinks get ping(0) this often; well inside proxy idle timeouts.
    std::chrono::milliseconds heartbeat{2000};
    double join_rate_per_ip = 10;   // attempts per minute, 0: unlimited
    double join_rate_global = 120;  // attempts per minute, 0: unlimited
    // Creating sessions holds codes for code_ttl: limited so that one address
    // cannot use up the live-session limit or the code space.
    double create_rate_per_ip = 30;  // per minute, 0: unlimited
    std::size_t buffer_bytes = 1 << 20;  // per direction per session
    std::size_t max_sessions = 100000;
    LogLevel log_level = LogLevel::info;
    std::string capture_dir;  // test-only: dumps forwarded end-to-end payloads
    long long tamper_offset = -1;  // test-only: flips a bit of the desk's stream there (-1: never)
};

}  // namespace relay
