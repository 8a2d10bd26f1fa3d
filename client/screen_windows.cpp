#include "screen_windows.h"

#include "trace_windows.h"

namespace client {

std::string WindowsScreen::serve(session::ByteStream& rfb, const remote::Consent& consent) {
    // A screen that cannot be read leaves the channel silent: closing it
    // would end the desk's session, and file transfer still works.
    rfbserver::ServerOptions opts;
    if (auto trace = tracer()) opts.trace = [trace](const std::string& step) { trace("screen " + step); };
    if (opts.trace) opts.trace("channel");
    desktop::Frame probe;
    {
        std::lock_guard<std::mutex> lk(capture_mu_);
        if (!capture_->grab(probe)) return "the screen cannot be read";
    }
    desktop::InputGate gate(*injector_, consent);
    rfbserver::Server server(*capture_, gate, opts);
    {
        std::lock_guard<std::mutex> lk(mu_);
        gate_ = &gate;
        server_ = &server;
    }
    std::string why = server.serve(rfb, std::move(probe));  // its first grab: the probe's
    std::lock_guard<std::mutex> lk(mu_);
    gate_ = nullptr;
    server_ = nullptr;
    return why;
}

void WindowsScreen::warm_up() {
    std::lock_guard<std::mutex> lk(capture_mu_);
    desktop::Frame f;
    capture_->grab(f);  // a failure is met again, and said, by serve()
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
