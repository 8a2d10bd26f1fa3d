#include "code_countdown.h"

#include "tunnel/session_client.h"

namespace desk {
namespace {

// The text changes on whole seconds or minutes of what is left: looking
// four times a second shows each change within 250 ms, at no cost.
constexpr std::chrono::milliseconds kLook{250};

}  // namespace

void CodeCountdown::start(Clock::time_point expires, TextFn on_text) {
    stop();
    if (expires == Clock::time_point::max()) return;
    stopping_ = false;
    thread_ = std::thread([this, expires, on_text = std::move(on_text)] { run(expires, on_text); });
}

void CodeCountdown::stop() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void CodeCountdown::run(Clock::time_point expires, const TextFn& on_text) {
    std::string shown;
    std::unique_lock<std::mutex> lk(mu_);
    while (!stopping_) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(expires - Clock::now());
        std::string text = tunnel::validity_words(left);
        if (text != shown) {
            shown = text;
            lk.unlock();
            on_text(text);
            lk.lock();
        }
        if (left <= std::chrono::milliseconds::zero()) return;  // the relay's end(expired) follows
        cv_.wait_for(lk, kLook, [this] { return stopping_; });
    }
}

}  // namespace desk
