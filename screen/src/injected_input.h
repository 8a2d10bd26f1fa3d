// What the X11 injector sent for the supporter, so that the watcher of the
// customer's own input (x11_local_input.cpp) can tell it apart: on X11 the
// injected events come from the XTEST device, as do xdotool's and other
// automation's, so the device alone does not say whose hand it was.
// Internal to screen/; thread-safe.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "desktop/platform.h"

namespace screen {

class InjectedInput {
public:
    // Recorded just before the event is sent to the X server.
    void motion(int x, int y) { add({Kind::motion, x, y}); }
    void key(unsigned keycode) { add({Kind::key, static_cast<int>(keycode), 0}); }
    // True (and forgotten) if the event seen matches one we sent.
    bool was_motion(int x, int y) { return take({Kind::motion, x, y}); }
    bool was_key(unsigned keycode) { return take({Kind::key, static_cast<int>(keycode), 0}); }

private:
    using Clock = std::chrono::steady_clock;
    enum class Kind { motion, key };
    struct Entry {
        Kind kind;
        int a, b;
        Clock::time_point at{};
    };
    // An injected event shows up within milliseconds; older entries are
    // events the server merged or dropped (e.g. a move to where the pointer
    // already was) and must not hide the customer's own later.
    static constexpr std::chrono::milliseconds kKeep{2000};
    // The desk sends at most a few hundred events a second.
    static constexpr std::size_t kMaxEntries = 4096;

    void add(Entry e) {
        std::lock_guard<std::mutex> lk(mu_);
        e.at = Clock::now();
        if (entries_.size() == kMaxEntries) entries_.pop_front();
        entries_.push_back(e);
    }
    bool take(const Entry& e) {
        std::lock_guard<std::mutex> lk(mu_);
        auto now = Clock::now();
        while (!entries_.empty() && now - entries_.front().at > kKeep) entries_.pop_front();
        for (auto it = entries_.begin(); it != entries_.end(); ++it)
            if (it->kind == e.kind && it->a == e.a && it->b == e.b) {
                entries_.erase(it);
                return true;
            }
        return false;
    }

    std::mutex mu_;
    std::deque<Entry> entries_;
};

// An XTest injector that tells `sent` about every event (x11_input.cpp).
std::unique_ptr<desktop::InputInjector> make_x11_injector(const std::string& display, std::shared_ptr<InjectedInput> sent);

}  // namespace screen
