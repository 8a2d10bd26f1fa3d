// A real squid on 127.0.0.1:<free port> for end-to-end tests, configured in
// its own temporary directory (squid.conf, logs, hosts file, passwords). Runs
// in the foreground (-N) as a child; as root it drops to user `proxy`, so its
// directory is chowned to that user. Nothing leaves the machine: squid
// resolves names only from `hosts` (dns_nameservers 127.0.0.1, where nothing
// answers).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace test_support {

struct SquidOptions {
    bool deny_connect = false;       // answer every CONNECT with 403
    std::string basic_user;          // non-empty: Basic auth required (basic_ncsa_auth)
    std::string basic_password;
    bool ntlm = false;               // NTLM required, via ntlm_fake_auth (accepts anyone)
    std::string digest_user;         // non-empty: Digest (MD5) required (digest_file_auth)
    std::string digest_password;
    int read_timeout_seconds = 0;    // 0: squid's default (15 min)
    // access.log lines end with the request's User-Agent in quotes (CONNECT
    // lines carry the client's CONNECT User-Agent).
    bool log_user_agent = false;
    // name -> IPv4 address: names only the proxy can resolve (hosts_file).
    std::vector<std::pair<std::string, std::string>> hosts;
    // TLS interception (squid-openssl ssl-bump): a CA the test made; squid
    // signs a certificate for every host with it and decrypts the tunnel.
    // Endpoints must trust bump_ca_cert. The relay behind is not verified.
    std::string bump_ca_cert, bump_ca_key;
};

class Squid {
public:
    // Starts squid and returns once it accepts connections (or throws with
    // its cache.log).
    explicit Squid(SquidOptions opts = {});
    ~Squid();  // stop()

    int port() const { return port_; }
    std::string url() const;          // "http://127.0.0.1:<port>"
    std::string host_port() const;    // "127.0.0.1:<port>"

    // Every request squid logged so far. A CONNECT tunnel is logged when it
    // closes, so wait_for_log() after the client is gone.
    std::string access_log() const;
    // True once access.log, from byte `from` on, matches `regex`.
    bool wait_for_log(const std::string& regex, std::chrono::milliseconds timeout, std::size_t from = 0);
    std::string cache_log() const;

    void stop();     // SIGTERM: squid logs its tunnels, then exits (about 1 s)
    void crash();    // SIGKILL: every tunnel is cut at once, nothing is logged
    void start();    // again on the same port, same configuration
    void restart() { crash(); start(); }  // a proxy crash and its comeback
    // SIGSTOP / SIGCONT: tunnels stay open but go silent, like a stalled
    // network path (no FIN, no RST): only heartbeats can tell.
    void freeze();
    void thaw();

private:
    void write_config();
    void chown_to_proxy();

    SquidOptions opts_;
    TempDir dir_;
    int port_;
    std::unique_ptr<Process> proc_;
};

}  // namespace test_support
