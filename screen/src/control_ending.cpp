#include "screen/control_ending.h"

namespace screen {

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

}  // namespace screen
