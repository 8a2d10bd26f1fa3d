// The customer's Windows screen on the rfb channel: windesktop's GDI
// capture served as RFB by rfbserver (the Linux desk's libvncclient shows
// it unchanged), the desk's input through the session's consent gate to an
// injector.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "desktop/input_gate.h"
#include "desktop/platform.h"
#include "remote/consent.h"
#include "rfbserver/server.h"
#include "session/byte_stream.h"

namespace client {

// One per program, serve() once per session. Thread-safe.
class WindowsScreen {
public:
    WindowsScreen(std::unique_ptr<desktop::Capture> capture, std::unique_ptr<desktop::InputInjector> injector)
        : capture_(std::move(capture)), injector_(std::move(injector)) {}

    // Serves the screen on `rfb` until the desk closes it or stop(); input
    // passes only while `consent` (the session's, borrowed) allows control.
    // Returns "" or why the screen failed. If the screen cannot be read at
    // all, returns at once and leaves `rfb` untouched (open and silent).
    std::string serve(session::ByteStream& rfb, const remote::Consent& consent);
    // The capture's one-time start-up (under wine: the display driver, the
    // first BitBlt of the screen), for the warm-up while the code is typed;
    // serve() waits for it rather than doing it twice. Any thread.
    void warm_up();
    // Control went off: release what the desk still holds down.
    void consent_changed(remote::ConsentState s);
    // Ends the serve() under way, if any (closing its stream).
    void stop();

private:
    std::mutex capture_mu_;  // warm_up() against serve()'s first grab
    std::unique_ptr<desktop::Capture> capture_;
    std::unique_ptr<desktop::InputInjector> injector_;
    std::mutex mu_;  // the two below, set during serve()
    desktop::InputGate* gate_ = nullptr;
    rfbserver::Server* server_ = nullptr;
};

}  // namespace client
