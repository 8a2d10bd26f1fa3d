#include "remote/control_ending.h"

namespace remote {

bool ControlEnding::attach_locked(Channels& ch) {
    ch_ = &ch;
    ctl_ = std::make_unique<ControlChannel>(ch.control);
    reader_done_ = false;
    if (!stopping_) return true;
    ch.control.close();
    return false;
}

void ControlEnding::attach_and_greet(Channels& ch, const std::vector<Message>& first) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!attach_locked(ch)) return;
    try {
        for (const Message& m : first) ctl_->send(m);
    } catch (const std::exception&) {
        // The peer left before our greeting (it quit right after the
        // handshake): the reader meets the end next and names it. Thrown
        // out of run(), this escaped past the threads run() starts.
    }
}

std::string ControlEnding::read_until_bye(const std::string& peer,
                                          const std::function<void(const Message&)>& handle) {
    std::string reason;
    try {
        for (;;) {
            auto m = ctl_->receive();
            if (!m) {
                reason = "the connection to " + peer + " ended";
                break;
            }
            if (m->type == MessageType::bye) {
                reason = m->reason.empty() ? peer + " ended the session" : m->reason;
                break;
            }
            handle(*m);
        }
    } catch (const std::exception& e) {
        reason = "the connection to " + peer + " failed: " + e.what();
    }
    {
        std::lock_guard<std::mutex> lk(mu_);
        reader_done_ = true;
    }
    cv_.notify_all();
    return reason;
}

bool ControlEnding::say_bye_locked(const std::string& reason) {
    if (stopping_.exchange(true)) return false;
    end_reason_ = reason;
    if (ch_) {
        try {
            ctl_->send(Message::bye(reason));
            ch_->control.shutdown_write();
        } catch (const std::exception&) {
            // the peer is gone already: nothing to tell
        }
    }
    return true;
}

void ControlEnding::close_after_grace(Channels& ch) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [this] { return stopping_.load() || reader_done_; });
    if (!cv_.wait_for(lk, kByeGrace, [this] { return reader_done_; })) ch.control.close();
}

void ControlEnding::wait_reader(std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait_for(lk, limit, [this] { return reader_done_; });
}

}  // namespace remote
