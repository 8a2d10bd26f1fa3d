// The customer's consent in tether-client.exe, as on Linux (docs/SCREEN.md
// "Consent rules"): F11 and F12 as global hotkeys for the length of a
// session, the bar on top of the screen while control is on, and the
// customer's own mouse or keys taking control back at once
// (desktop::ControlPresence over wininput/'s Windows pieces). The Linux
// client does the same in screen/src/client_session.cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "desktop/control_presence.h"
#include "desktop/platform.h"
#include "remote/consent.h"
#include "remote/customer_control.h"
#include "wininput/windows.h"

namespace client {

class WindowsConsent {
public:
    using Status = std::function<void(const std::string&)>;  // a sentence for the customer's status line
    // `sent`: what the session's injector sends (wininput::make_sendinput_injector),
    // so that it is not taken for the customer's hand.
    WindowsConsent(std::shared_ptr<wininput::InjectedInput> sent, Status status);
    ~WindowsConsent() { stop(); }

    // For one session: F11 toggles `control`'s remote control, F12 its file
    // transfer; the bar and the watcher follow its consent. A hotkey another
    // program holds is said on the status line; the session goes on.
    void start(remote::CustomerControl& control);
    void set_supporter(const std::string& name);
    // Call after every consent change of the session.
    void consent_changed(remote::ConsentState s);
    // Releases the hotkeys, hides the bar, stops watching; idempotent.
    void stop();

private:
    Status status_;
    std::unique_ptr<desktop::Hotkeys> hotkeys_;
    std::unique_ptr<desktop::ControlNotice> bar_;
    std::unique_ptr<desktop::LocalInput> local_;
    std::unique_ptr<desktop::ControlPresence> presence_;  // during a session
    bool hotkeys_on_ = false;
};

}  // namespace client
