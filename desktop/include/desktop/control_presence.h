// Keeps the customer in charge while the supporter controls their computer
// (issue 16): the notice on top of their screen while control is on, and
// their own mouse or keyboard (or the notice's Stop button) withdrawing
// control at once. Platform-neutral: the notice and the input watcher are
// the platform's (desktop/customer_presence.h); either may be absent.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "remote/consent.h"
#include "desktop/customer_presence.h"

namespace desktop {

class ControlPresence {
public:
    using Status = std::function<void(const std::string&)>;  // a sentence for the customer
    // All borrowed; they must outlive this object.
    ControlPresence(ControlNotice* notice, LocalInput* local, remote::Consent& consent, Status status)
        : notice_(notice), local_(local), consent_(consent), status_(std::move(status)) {}
    ~ControlPresence() { stop(); }

    // Watches the customer's input for the session; tells them if it cannot.
    void start();
    // Hides the notice and stops watching; idempotent.
    void stop();
    // The supporter's name, for the notice (from their hello).
    void set_supporter(const std::string& name);
    // Call after every consent change.
    void consent_changed(remote::ConsentState s);
    // Withdraws control because the customer did `what`; no-op when off.
    void take_back(const std::string& what);

private:
    std::string supporter() const;

    ControlNotice* notice_;
    LocalInput* local_;
    remote::Consent& consent_;
    Status status_;
    mutable std::mutex mu_;
    std::string supporter_;
    bool watching_ = false;
};

}  // namespace desktop
