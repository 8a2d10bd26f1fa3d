// tether-relay: parse options, run RelayServer until SIGINT/SIGTERM.
#include <csignal>
#include <iostream>
#include <thread>

#include "relay/options.h"
#include "relay/relay_server.h"
#include "wire/allocator.h"

namespace {

// Blocks SIGINT/SIGTERM in every thread, and stops the server from a thread
// that waits for them (no work in a signal handler).
std::thread stop_on_signal(relay::RelayServer& server) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    return std::thread([set, &server] {
        int sig = 0;
        sigwait(&set, &sig);
        server.stop();
    });
}

}  // namespace

int main(int argc, char* argv[]) {
    wire::tune_allocator_for_streaming();  // before any thread starts
    std::signal(SIGPIPE, SIG_IGN);  // a vanished peer must not kill the relay
    try {
        auto config = relay::parse_options(argc, argv, std::cout);
        if (!config) return 0;
        relay::Log log(config->log_level);
        relay::RelayServer server(*config, log);
        std::thread signals = stop_on_signal(server);
        const int port = server.start();
        if (!server.dev_ca_file().empty())
            std::cout << "dev certificate: trust it with: --ca " << server.dev_ca_file() << std::endl;
        std::cout << "listening on " << server.scheme() << "://" << config->listen_host << ":" << port << std::endl;
        server.wait();
        signals.join();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "tether-relay: " << e.what() << std::endl;
        return 1;
    }
}
