#include "desktop/control_presence.h"

#include <stdexcept>

namespace desktop {

void ControlPresence::start() {
    if (!local_) return;
    try {
        local_->start([this](const std::string& what) { take_back(what); });
        std::lock_guard<std::mutex> lk(mu_);
        watching_ = true;
    } catch (const std::exception& e) {
        // Control still works and the notice still shows; only the shortcut is gone.
        if (status_) status_(std::string(e.what()) + ". Press F11 or click Stop on the bar to take control back.");
    }
}

void ControlPresence::stop() {
    if (notice_) notice_->hide();
    bool was;
    {
        std::lock_guard<std::mutex> lk(mu_);
        was = watching_;
        watching_ = false;
    }
    if (was) local_->stop();
}

void ControlPresence::set_supporter(const std::string& name) {
    std::lock_guard<std::mutex> lk(mu_);
    supporter_ = name;
}

std::string ControlPresence::supporter() const {
    std::lock_guard<std::mutex> lk(mu_);
    return supporter_;  // "" until their hello
}

void ControlPresence::consent_changed(remote::ConsentState s) {
    if (!notice_) return;
    if (s.control) notice_->show(supporter(), [this] { take_back("clicked Stop"); });
    else notice_->hide();
}

void ControlPresence::take_back(const std::string& what) {
    if (!consent_.allows_control()) return;
    // The sentence before the change: whoever sees control go off (the
    // consent line to the supporter, a status file) finds it already said.
    // After it, a test that saw the desk's "off" could read the customer's
    // status before the sentence (e2e.wininput.client_consent under load).
    std::string who = supporter().empty() ? "your supporter" : supporter();
    if (status_)
        status_("You " + what + ", so " + who +
                " no longer controls your computer. Press F11 to let them control it again.");
    consent_.withdraw_control();
}

}  // namespace desktop
