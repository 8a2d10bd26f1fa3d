#include "remote/program.h"

#include <csignal>
#include <cstdlib>
#include <pthread.h>
#include <thread>

namespace remote {

void ignore_broken_pipes() { std::signal(SIGPIPE, SIG_IGN); }

void stop_on_signals(std::function<void()> on_stop) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set, on_stop = std::move(on_stop)] {
        int sig = 0;
        sigwait(&set, &sig);
        on_stop();
    }).detach();
}

}  // namespace remote
