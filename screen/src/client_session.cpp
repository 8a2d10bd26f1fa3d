#include "screen/client_session.h"

#include <thread>

#include "remote/monitor_lines.h"

namespace screen {

ClientSession::ClientSession(CustomerSide side, std::string name, ConsentState initial, ClientEvents ev)
    : side_(side), name_(std::move(name)), ev_(std::move(ev)), consent_(initial),
      view_(side.capture, side.monitors), view_input_(side.injector, view_),
      gate_(view_input_, consent_), server_(view_, gate_),
      presence_(side.notice, side.local, consent_, ev_.on_status) {}

void ClientSession::toggle(desktop::Hotkey k) {
    if (k == desktop::Hotkey::control) consent_.toggle_control();
    else consent_.toggle_files();
}

// Order matters: input is already blocked (state changed), then held keys
// are released, then both screens learn the new state.
void ClientSession::on_consent_change(ConsentState s) {
    if (!s.control) gate_.revoke();
    presence_.consent_changed(s);
    if (ev_.on_consent) ev_.on_consent(s);
    {
        std::lock_guard<std::mutex> lk(mu_);
        try {
            if (ctl_) ctl_->send(Message::consent_state(s));
        } catch (const std::exception&) {
            // The control channel is gone: the session is ending anyway.
        }
    }
    // After the consent line: the desk knows control is on before a text arrives.
    if (clipboard_) clipboard_->set_enabled(s.control);
}

// The clipboard follows remote control (docs/SCREEN.md "Clipboard").
void ClientSession::start_clipboard() {
    if (!side_.clipboard) return;
    desktop::ClipboardSyncOptions o;
    o.peer = "the supporter";
    o.send_current_on_enable = true;
    o.withdraw_on_disable = true;
    clipboard_ = std::make_unique<desktop::ClipboardSync>(
        *side_.clipboard, o,
        [this](const std::string& line) {
            std::lock_guard<std::mutex> lk(mu_);
            if (ctl_) ctl_->send_line(line);
        },
        ev_.on_status);
    clipboard_->start();
    clipboard_->set_enabled(consent_.allows_control());
}

void ClientSession::start_hotkeys() {
    try {
        side_.hotkeys.start([this](desktop::Hotkey k) { toggle(k); });
    } catch (const std::exception& e) {
        if (ev_.on_status) ev_.on_status(e.what());
    }
}

std::string ClientSession::run(Channels ch) {
    // Our own window first: it must never show less than the desk already does.
    if (ev_.on_consent) ev_.on_consent(consent_.state());
    attach_and_greet(ch, {Message::hello("client", name_), Message::consent_state(consent_.state())});
    send_monitors();
    start_clipboard();
    consent_.on_change([this](ConsentState s) { on_consent_change(s); });
    start_hotkeys();
    presence_.start();
    std::thread screen([&] {
        std::string err = server_.serve(ch.rfb);
        wait_reader(kReasonGrace);  // a bye may be on its way: prefer its reason
        stop(err.empty() ? "the supporter closed the screen" : err);
    });
    std::thread closer([&] { close_after_grace(ch); });
    stop(read_until_bye("the supporter", [this](const Message& m) { handle(m); }));
    closer.join();
    screen.join();
    consent_.end();  // rights die with the session
    if (clipboard_) clipboard_->stop();  // the supporter's text is no longer offered
    presence_.stop();
    side_.hotkeys.stop();
    std::lock_guard<std::mutex> lk(mu_);
    ctl_.reset();
    ch_ = nullptr;
    return end_reason_;
}

// The monitors and which one the desk sees (docs/PROTOCOL.md "Monitors").
void ClientSession::send_monitors() {
    if (!side_.monitors) return;
    remote::MonitorList l;
    for (const auto& m : view_.monitors())
        l.list.push_back({m.name, m.area.x, m.area.y, m.area.w, m.area.h, m.primary});
    l.shown = view_.selected();
    std::lock_guard<std::mutex> lk(mu_);
    try {
        if (ctl_) ctl_->send_line(remote::encode_monitors(l));
    } catch (const std::exception&) {
        // The control channel is gone: the session is ending anyway.
    }
}

void ClientSession::handle(const Message& m) {
    if (clipboard_ && clipboard_->handle(m)) return;
    if (auto index = remote::decode_monitor_select(m)) {
        view_.select(*index);  // the screen server sends the new size and picture
        send_monitors();
        return;
    }
    if (m.type == MessageType::control_request) on_control_request();
    if (auto c = remote::chat_of(m); c && ev_.on_chat) ev_.on_chat(*c);
    if (m.type == MessageType::hello) presence_.set_supporter(m.name);
    if (m.type == MessageType::hello && ev_.on_peer) ev_.on_peer(m.name);
    if (m.type == MessageType::ping) {
        std::lock_guard<std::mutex> lk(mu_);
        ctl_->send(Message::pong(m.stamp_ms));
    }
}

// Only asks: the right changes only by the customer's answer on this machine.
void ClientSession::on_control_request() {
    if (consent_.allows_control()) return;  // already on: the desk knows from the consent line
    {
        std::lock_guard<std::mutex> lk(mu_);
        ctl_->send(Message::control_answer(ev_.on_control_request ? remote::kAnswerAsked : remote::kAnswerUnavailable));
    }
    if (ev_.on_control_request) ev_.on_control_request();
}

void ClientSession::answer_control_request(bool allow) {
    if (allow) {
        if (!consent_.allows_control()) consent_.toggle_control();  // as F11: the consent line tells the desk
        return;
    }
    std::lock_guard<std::mutex> lk(mu_);
    try {
        if (ctl_) ctl_->send(Message::control_answer(remote::kAnswerDenied));
    } catch (const std::exception&) {
        // The control channel is gone: the session is ending anyway.
    }
}

// Bye first (ControlEnding: the first caller's reason wins), so the peer
// reads the reason before it sees the screen end; then the server stops.
void ClientSession::stop(const std::string& reason) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!say_bye_locked(reason)) return;
    server_.stop();
    cv_.notify_all();
}

}  // namespace screen
