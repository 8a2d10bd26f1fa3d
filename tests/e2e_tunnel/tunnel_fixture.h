// Shared pieces of the tether-tunnel end-to-end tests: the command line of
// tether-tunnel for a relay (and proxy), and running an open/join pair to
// completion with files on stdin and stdout.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/process.h"
#include "support/relay_fixture.h"
#include "support/squid.h"
#include "support/temp_dir.h"

namespace e2e {

using test_support::Process;

// How tether-tunnel reaches the relay.
struct Route {
    std::string relay_url;
    std::string ca_file;
    std::string proxy_url;  // empty: direct
    std::string proxy_user, proxy_password, proxy_auth;
    int heartbeat_ms = 0;   // 0: the default
    std::string transport;  // --transport: empty = auto (probe), "stream", "poll"
    std::vector<std::string> options;  // further options, before the command
};

// Through `squid` to `relay` by the relay's IP (the simplest route).
Route via(const test_support::Squid& squid, const test_support::Relay& relay);

std::string tunnel_binary();
// tether-tunnel <route options> <args...>
std::vector<std::string> tunnel_argv(const Route& r, const std::vector<std::string>& args);

// Starts `tether-tunnel open`, returns it once it printed the code.
struct Opened {
    std::unique_ptr<Process> proc;
    std::string code;
};
Opened start_open(const Route& r, const std::string& stdin_path, const std::string& stdout_path);

// `tether-tunnel join CODE`.
std::unique_ptr<Process> start_join(const Route& r, const std::string& code,
                                    const std::string& stdin_path, const std::string& stdout_path);

// Runs a short tether-tunnel command (stdin /dev/null) to completion.
struct Outcome {
    int code;
    std::string err;
};
Outcome run_tunnel(const Route& r, const std::vector<std::string>& args,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30));

// tether-tunnel with exactly `args` (no route options) and `env` on top of
// a proxy-free environment: for testing option precedence.
Outcome run_plain(const std::vector<std::string>& args, const std::map<std::string, std::string>& env);

// How long (ms) each CONNECT tunnel to the relay's `port` lasted, from
// squid's access.log (a tunnel is logged when it closes).
std::vector<long> tunnel_durations_ms(const std::string& access_log, int port);

// Both ends with the given input files; waits for both to exit (exit codes
// 0 expected) and returns the outputs' paths in `dir`: "desk.out" (what the
// desk received) and "client.out".
void transfer(const Route& r, const test_support::TempDir& dir, const std::string& desk_in,
              const std::string& client_in, std::chrono::milliseconds timeout);

// Lets feeders go on, stage by stage.
class Gate {
public:
    void open(int stage);
    void wait(int stage);

private:
    std::mutex mu_;
    std::condition_variable cv_;
    int stage_ = 0;
};

// Opens `gate` completely when it goes out of scope: declared after the
// feeders' owners, it lets them finish when a test stops early.
struct OpenOnExit {
    Gate& gate;
    ~OpenOnExit() { gate.open(1 << 30); }
};

// Feeds `path` into p's stdin pipe in `chunk`-byte writes (one every `pace`
// if given), then closes it. Before byte offset marks[i] it waits for gate
// stage i + 1, so that a transfer cannot finish before the test acted.
std::thread feed(Process& p, const std::string& path, std::vector<std::uint64_t> marks, Gate& gate,
                 std::size_t chunk = 256 * 1024, std::chrono::milliseconds pace = std::chrono::milliseconds(0));

}  // namespace e2e
