#include "screen_windows.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace client {
namespace {

// TETHER_TRACE=1: each step to the supporter's first frame on stderr with
// the wall clock in microseconds, which bench/winclient's bench_winscreen
// lines up with the desk's and its own clock (the phases of README.md).
rfbserver::ServerOptions server_options() {
    rfbserver::ServerOptions o;
    const char* on = std::getenv("TETHER_TRACE");
    if (on && *on == '1')
        o.trace = [](const std::string& step) {
            auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch());
            std::fprintf(stderr, "tether-client: trace %lld screen %s\n", static_cast<long long>(us.count()),
                         step.c_str());
            std::fflush(stderr);
        };
    return o;
}

}  // namespace

std::string WindowsScreen::serve(session::ByteStream& rfb, const remote::Consent& consent) {
    // A screen that cannot be read leaves the channel silent: closing it
    // would end the desk's session, and file transfer still works.
    rfbserver::ServerOptions opts = server_options();
    if (opts.trace) opts.trace("channel");
    desktop::Frame probe;
    if (!capture_->grab(probe)) return "the screen cannot be read";
    desktop::InputGate gate(*injector_, consent);
    rfbserver::Server server(*capture_, gate, opts);
    {
        std::lock_guard<std::mutex> lk(mu_);
        gate_ = &gate;
        server_ = &server;
    }
    std::string why = server.serve(rfb);
    std::lock_guard<std::mutex> lk(mu_);
    gate_ = nullptr;
    server_ = nullptr;
    return why;
}

void WindowsScreen::consent_changed(remote::ConsentState s) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!s.control && gate_) gate_->revoke();
}

void WindowsScreen::stop() {
    std::lock_guard<std::mutex> lk(mu_);
    if (server_) server_->stop();
}

}  // namespace client
