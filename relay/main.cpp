// tether-relay: parse options, run RelayServer until a signal stops it.
//   SIGINT: stop now (every session gets end(relay_shutdown)).
//   SIGTERM: drain for --drain-time (no new sessions), then stop.
//   SIGHUP: reload the certificate and the options that can change live.
#include <csignal>
#include <iostream>
#include <sstream>
#include <thread>

#include "relay/options.h"
#include "settings/tether_conf.h"
#include "relay/relay_server.h"
#include "relay/tls_memory.h"
#include "wire/allocator.h"

namespace {

// How often a draining relay checks whether its sessions are gone.
constexpr std::chrono::milliseconds kDrainCheck{200};

sigset_t handled_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    return set;
}

// SIGHUP: the options as they are now (command line, environment, file).
void reload(relay::RelayServer& server, int argc, char* argv[], relay::Log& log) {
    try {
        std::ostringstream ignored;
        if (auto fresh = relay::parse_options(argc, argv, ignored)) server.reload(*fresh);
    } catch (const std::exception& e) {
        log.warn("relay", std::string("reload: ") + e.what() + "; nothing changed");
    }
}

// Runs on its own thread with the signals blocked everywhere (nothing is
// done in a signal handler). Returns once the server was stopped.
void serve_signals(relay::RelayServer& server, const relay::Config& config, int argc, char* argv[], relay::Log& log) {
    const sigset_t set = handled_signals();
    std::optional<std::chrono::steady_clock::time_point> drain_until;
    for (;;) {
        const timespec tick{0, kDrainCheck.count() * 1000000L};
        const int sig = sigtimedwait(&set, nullptr, &tick);
        if (sig == SIGHUP) reload(server, argc, argv, log);
        if (sig == SIGINT) break;
        if (sig == SIGTERM && !drain_until) {
            drain_until = std::chrono::steady_clock::now() + config.drain_time;
            server.begin_drain();
        }
        if (drain_until && (server.live_sessions() == 0 || std::chrono::steady_clock::now() >= *drain_until)) break;
    }
    server.stop();
}

}  // namespace

int main(int argc, char* argv[]) {
    // Before anything calls OpenSSL (it refuses the hooks after its first allocation).
    const bool tls_cache = relay::install_tls_memory_cache();
    wire::tune_allocator_for_streaming();  // before any thread starts
    std::signal(SIGPIPE, SIG_IGN);  // a vanished peer must not kill the relay
    const sigset_t signals = handled_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts: all inherit it
    std::optional<relay::Config> config;
    try {
        config = relay::parse_options(argc, argv, std::cout);
    } catch (const std::exception& e) {  // the options, a TETHER_RELAY_* variable or relay.conf
        std::cerr << "tether-relay: " << e.what() << " (see --help)" << std::endl;
        return settings::kExitUsage;
    }
    if (!config) return settings::kExitOk;
    if (!tls_cache)
        std::cerr << "tether-relay: OpenSSL allocated before its record-buffer cache was installed; "
                     "running without it (more CPU per TLS read and write)" << std::endl;
    try {
        relay::Log log(config->log_level, {}, config->log_format);
        relay::RelayServer server(*config, log);
        const int port = server.start();
        std::thread signal_thread([&] { serve_signals(server, *config, argc, argv, log); });
        if (!server.dev_ca_file().empty())
            std::cout << "dev certificate: trust it with: --ca " << server.dev_ca_file() << std::endl;
        if (server.cluster_port() >= 0)
            std::cout << "tether-relay: cluster listener on " << config->cluster_listen_host << ":" << server.cluster_port()
                      << std::endl;
        std::cout << "listening on " << server.scheme() << "://" << config->listen_host << ":" << port << std::endl;
        server.wait();
        signal_thread.join();
        return settings::kExitOk;
    } catch (const std::exception& e) {
        if (relay::stderr_is_journal()) std::cerr << "<3>";  // err, as the logger's lines say it
        std::cerr << "tether-relay: " << e.what() << std::endl;
        return settings::kExitFailure;
    }
}
