// Counts a session code's remaining life down for the supporter ("valid for
// 9 more minutes"): a thread that reports the text each time it changes,
// while the desk waits for the customer. Without it nothing would refresh
// the line between the relay's status changes, which may be minutes apart.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace desk {

class CodeCountdown {
public:
    using Clock = std::chrono::steady_clock;
    // Called on the countdown's thread with tunnel::validity_words() of
    // what is left; must not call stop().
    using TextFn = std::function<void(const std::string&)>;

    ~CodeCountdown() { stop(); }

    // Starts counting down to `expires` (a running countdown is stopped
    // first). Nothing is reported for max() (a code that never expires).
    void start(Clock::time_point expires, TextFn on_text);
    // Stops and joins; no callback runs after it returns. Idempotent.
    void stop();

private:
    void run(Clock::time_point expires, const TextFn& on_text);

    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace desk
