#include "screen/desk_session.h"

#include <chrono>
#include <thread>

namespace screen {
namespace {

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

ConsentState DeskSession::consent() const {
    std::lock_guard<std::mutex> lk(mu_);
    return consent_;
}

std::string DeskSession::run(Channels ch) {
    attach_and_greet(ch, {Message::hello("desk", name_)});
    std::thread view([&] {
        std::string err = viewer_.run(ch.rfb);
        wait_reader(kReasonGrace);  // a bye may be on its way: prefer its reason
        stop(err.empty() ? "the customer's screen closed" : err);
    });
    start_clipboard();
    std::thread pinger([this] { ping_loop(); });
    std::thread closer([&] { close_after_grace(ch); });
    stop(read_until_bye("the customer", [this](const Message& m) { handle(m); }));
    closer.join();
    view.join();
    pinger.join();
    if (sync_) sync_->stop();
    std::lock_guard<std::mutex> lk(mu_);
    ch_ = nullptr;
    return end_reason_;
}

// The supporter's copies go out only while the customer reports control on
// (the customer's side checks again and drops them otherwise).
void DeskSession::start_clipboard() {
    if (!clipboard_) return;
    desktop::ClipboardSyncOptions o;
    o.peer = "the customer";
    sync_ = std::make_unique<desktop::ClipboardSync>(
        *clipboard_, o,
        [this](const std::string& line) {
            std::lock_guard<std::mutex> lk(mu_);
            if (ctl_) ctl_->send_line(line);
        },
        ev_.on_clipboard_notice);
    sync_->start();
}

void DeskSession::select_monitor(int index) {
    std::lock_guard<std::mutex> lk(mu_);
    try {
        if (ctl_) ctl_->send_line(remote::encode_monitor_select(index));
    } catch (const std::exception&) {
        // The control channel is gone: the session is ending anyway.
    }
}

remote::MonitorList DeskSession::monitors() const {
    std::lock_guard<std::mutex> lk(mu_);
    return monitors_;
}

void DeskSession::handle(const Message& m) {
    if (sync_ && sync_->handle(m)) return;
    if (auto l = remote::decode_monitors(m)) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            monitors_ = *l;
        }
        if (ev_.on_monitors) ev_.on_monitors(*l);
        return;
    }
    if (m.type == MessageType::hello && ev_.on_peer) ev_.on_peer(m.name);
    if (m.type == MessageType::consent) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            consent_ = m.consent;
        }
        if (ev_.on_consent) ev_.on_consent(m.consent);
        if (sync_) sync_->set_enabled(m.consent.control);
    }
    if (auto c = remote::chat_of(m); c && ev_.on_chat) ev_.on_chat(*c);
    if (m.type == MessageType::control_answer && ev_.on_control_answer) ev_.on_control_answer(m.answer);
    if (m.type == MessageType::pong && ev_.on_quality) {
        std::uint64_t bytes = viewer_.bytes_received();
        double secs = kPingInterval.count() / 1000.0;
        Quality q{static_cast<double>(now_ms() - m.stamp_ms), (bytes - last_bytes_) * 8 / 1000.0 / secs};
        last_bytes_ = bytes;
        ev_.on_quality(q);
    }
}

void DeskSession::request_control() {
    std::lock_guard<std::mutex> lk(mu_);
    try {
        if (ctl_) ctl_->send(Message::control_request());
    } catch (const std::exception&) {
        // The control channel is gone: the session is ending anyway.
    }
}

void DeskSession::ping_loop() {
    std::unique_lock<std::mutex> lk(mu_);
    while (!cv_.wait_for(lk, kPingInterval, [this] { return stopping_.load(); })) {
        try {
            ctl_->send(Message::ping(now_ms()));
        } catch (const std::exception&) {
            return;
        }
    }
}

// Bye first (ControlEnding), then the viewer stops.
void DeskSession::stop(const std::string& reason) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!say_bye_locked(reason)) return;
    viewer_.stop();
    cv_.notify_all();
}

}  // namespace screen
