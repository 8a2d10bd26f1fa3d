#include "remote/customer_control.h"

#include <thread>

namespace remote {

// Remote control starts off whatever was asked: only the customer turns it
// on (toggle_control: F11 or --allow-control in tether-client.exe).
CustomerControl::CustomerControl(std::string name, ConsentState initial, CustomerEvents ev)
    : name_(std::move(name)), ev_(std::move(ev)), consent_(ConsentState{false, initial.files}) {}

void CustomerControl::on_consent_change(ConsentState s) {
    if (ev_.on_consent) ev_.on_consent(s);
    std::lock_guard<std::mutex> lk(mu_);
    try {
        if (ctl_) ctl_->send(Message::consent_state(s));
    } catch (const std::exception&) {
        // The control channel is gone: the session is ending anyway.
    }
}

std::string CustomerControl::run(Channels ch) {
    if (ev_.on_consent) ev_.on_consent(consent_.state());
    attach_and_greet(ch, {Message::hello("client", name_), Message::consent_state(consent_.state())});
    consent_.on_change([this](ConsentState s) { on_consent_change(s); });
    std::thread closer([&] { close_after_grace(ch); });
    stop(read_until_bye("the supporter", [this](const Message& m) { handle(m); }));
    closer.join();
    consent_.end();  // rights die with the session
    ch.rfb.close();  // ends the screen's server, if any
    std::lock_guard<std::mutex> lk(mu_);
    ctl_.reset();
    ch_ = nullptr;
    return end_reason_;
}

void CustomerControl::handle(const Message& m) {
    if (m.type == MessageType::hello && ev_.on_peer) ev_.on_peer(m.name);
    if (auto c = chat_of(m); c && ev_.on_chat) ev_.on_chat(*c);
    if (m.type == MessageType::control_request) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            ctl_->send(Message::control_answer(ev_.on_control_request ? kAnswerAsked : kAnswerUnavailable));
        }
        if (ev_.on_control_request) ev_.on_control_request();
    }
    if (m.type == MessageType::ping) {
        std::lock_guard<std::mutex> lk(mu_);
        ctl_->send(Message::pong(m.stamp_ms));
    }
}

void CustomerControl::answer_control_request(bool allow) {
    if (allow) {
        if (!consent_.allows_control()) consent_.toggle_control();  // as F11: the consent line tells the desk
        return;
    }
    std::lock_guard<std::mutex> lk(mu_);
    try {
        if (ctl_) ctl_->send(Message::control_answer(kAnswerDenied));
    } catch (const std::exception&) {
        // The control channel is gone: the session is ending anyway.
    }
}

// Bye first (ControlEnding: the first caller's reason wins).
void CustomerControl::stop(const std::string& reason) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!say_bye_locked(reason)) return;
    cv_.notify_all();
}

}  // namespace remote
