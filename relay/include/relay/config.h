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
    // Serve plain HTTP, no TLS: the way for endpoints behind proxies that
    // refuse CONNECT (docs/SECURITY.md "Plain HTTP"). Every request then
    // needs a MAC under its side's request key; bearer tokens are refused.
    bool plain_http = false;
    // The relay's X25519 key for request keys (relay_key.h): this file,
    // created if missing; empty: a fresh key for this run only.
    std::string request_key_file;
    // A second listener serving plain HTTP beside the TLS one (--plain-listen):
    // the same sessions, so a customer behind a CONNECT-refusing proxy can
    // join a supporter who came over HTTPS. Port -1: none; 0: ephemeral.
    std::string plain_listen_host;
    int plain_listen_port = -1;
    std::chrono::seconds code_ttl{600};
    std::chrono::seconds grace{60};
    std::chrono::seconds tombstone_ttl{3600};
    // Idle downlinks get ping(0) this often; well inside proxy idle timeouts.
    std::chrono::milliseconds heartbeat{2000};
    // Code guessing (JoinGuard, docs/SECURITY.md "Code guessing"): failed
    // joins per minute per address and per /24 or /56 (0: unlimited); failed
    // joins per minute in total that raise the guard (0: always up); digits
    // of the codes created while it is up.
    double join_failures_per_ip = 10;
    double join_failures_per_prefix = 30;
    double join_alarm = 30;
    std::size_t long_code_digits = 9;
    // Creating sessions holds codes for code_ttl: limited so that one address
    // cannot use up the live-session limit or the code space.
    double create_rate_per_ip = 30;  // per minute, 0: unlimited
    std::size_t buffer_bytes = 1 << 20;  // per direction per session
    std::size_t max_sessions = 0;  // 0: derived from the open-file limit (RelayServer)
    // Bounds on what a stranger controls (docs/RELAY.md, "Bounds"). Counts
    // and sizes: 0 means unlimited where the option says so.
    std::size_t max_line_bytes = 8 * 1024;      // request line and each header line
    std::size_t max_headers = 100;              // header lines per request
    std::size_t max_head_bytes = 32 * 1024;     // the whole head
    std::chrono::seconds head_timeout{10};      // TLS handshake + request head; also keep-alive idle
    std::size_t min_body_rate = 4096;           // bytes/s a body read whole must average after head_timeout
    std::size_t max_body_bytes = (1 << 20) + 64 * 1024;  // bodies read whole: 1 MiB of frames + slack
    std::size_t max_conns_per_ip = 256;         // open connections per source address (0: unlimited)
    std::size_t max_unauthenticated = 1024;     // connections not yet authenticated, in total (0: unlimited)
    unsigned io_threads = 0;                    // 0: one per core
    // SIGTERM: sessions may go on this long (no new ones) before they get
    // end(relay_shutdown); 0: at once, like SIGINT.
    std::chrono::seconds drain_time{0};
    LogLevel log_level = LogLevel::info;
    LogFormat log_format = LogFormat::text;  // json: one object per line (docs/RELAY.md "Logs")
    // The client builds served under /downloads/ and listed on the join page
    // (docs/RELAY.md "Join page"); empty: none.
    std::string downloads_dir;
    // A cluster (issue 18, docs/RELAY.md "A cluster"). redis_url empty: one
    // relay with its in-memory directory, exactly as without these options.
    std::string redis_url;            // redis://HOST:PORT[/DB] or sentinel://HOST:PORT[,...]/MASTER
    std::string node_id;              // empty: hostname ":" public port
    std::string cluster_listen_host;  // the plain-TCP listener other nodes forward to
    int cluster_listen_port = -1;     // -1: none; 0: ephemeral (printed)
    std::string cluster_advertise;    // HOST:PORT other nodes dial; empty: the cluster listener's address
    std::string cluster_secret_file;  // shared by every node; 0600
    std::string capture_dir;  // test-only: dumps forwarded end-to-end payloads
    long long tamper_offset = -1;  // test-only: flips a bit of the desk's stream there (-1: never)
};

}  // namespace relay
