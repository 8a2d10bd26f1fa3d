#include "consent_windows.h"

#include <iostream>

namespace client {
namespace {

// No bar without a desktop (wine without X in the headless tests): control
// still works and the customer's hands still take it back.
std::unique_ptr<desktop::ControlNotice> bar_if_possible() {
    try {
        return wininput::make_control_bar();
    } catch (const std::exception& e) {
        std::cerr << "tether-client: " << e.what() << std::endl;
        return nullptr;
    }
}

}  // namespace

WindowsConsent::WindowsConsent(std::shared_ptr<wininput::InjectedInput> sent, Status status)
    : status_(std::move(status)),
      hotkeys_(wininput::make_hotkeys()),
      bar_(bar_if_possible()),
      local_(wininput::make_local_input(std::move(sent))) {}

void WindowsConsent::start(remote::CustomerControl& control) {
    stop();
    presence_ = std::make_unique<desktop::ControlPresence>(bar_.get(), local_.get(), control.live_consent(), status_);
    presence_->start();
    try {
        hotkeys_->start([&control](desktop::Hotkey k) {
            if (k == desktop::Hotkey::control) control.toggle_control();
            else control.toggle_files();
        });
        hotkeys_on_ = true;
    } catch (const std::exception& e) {
        if (status_) status_(e.what());
    }
}

void WindowsConsent::set_supporter(const std::string& name) {
    if (presence_) presence_->set_supporter(name);
}

void WindowsConsent::consent_changed(remote::ConsentState s) {
    if (presence_) presence_->consent_changed(s);
}

void WindowsConsent::stop() {
    if (hotkeys_on_) hotkeys_->stop();
    hotkeys_on_ = false;
    presence_.reset();  // hides the bar, stops watching
}

}  // namespace client
