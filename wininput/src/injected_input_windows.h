// What the SendInput injector sent for the supporter, so that the watcher
// of the customer's own input (local_input_windows.cpp) can tell it apart.
// Windows flags SendInput events as injected (LLMHF_INJECTED), but under
// wine an absolute move also comes back from the X server as a plain move
// to the same place; and on Windows other programs inject too (on-screen
// keyboards), which are the customer's. So: injected-flag events are ours
// only when they match a recent injection; plain moves that land where we
// just moved the pointer are ours as well. Internal; thread-safe.
#pragma once

#include <chrono>
#include <cstdlib>
#include <deque>
#include <mutex>

namespace wininput {

class InjectedInput {
public:
    // Recorded just before SendInput.
    void motion(int x, int y) { add({Kind::motion, x, y}); }
    void key(unsigned vk) { add({Kind::key, static_cast<int>(generic(vk)), 0}); }
    // True if the event matches one we sent in the last kKeep. Moves match
    // within a pixel (Windows rounds the normalized coordinates; DPI).
    bool was_motion(int x, int y) { return find(Kind::motion, x, y); }
    bool was_key(unsigned vk) { return find(Kind::key, static_cast<int>(generic(vk)), 0); }

private:
    using Clock = std::chrono::steady_clock;
    enum class Kind { motion, key };
    struct Entry {
        Kind kind;
        int a, b;
        Clock::time_point at{};
    };
    // Injected events reach the hooks within milliseconds; an older entry
    // must not hide the customer's own hand later.
    static constexpr std::chrono::milliseconds kKeep{2000};
    static constexpr std::size_t kMaxEntries = 4096;  // the desk sends at most a few hundred a second

    void add(Entry e) {
        std::lock_guard<std::mutex> lk(mu_);
        e.at = Clock::now();
        if (entries_.size() == kMaxEntries) entries_.pop_front();
        entries_.push_back(e);
    }
    // Not consumed: wine delivers the same move twice (injected, then back
    // from X), and a key's repeat comes with the same code.
    bool find(Kind kind, int a, int b) {
        std::lock_guard<std::mutex> lk(mu_);
        auto now = Clock::now();
        while (!entries_.empty() && now - entries_.front().at > kKeep) entries_.pop_front();
        for (const auto& e : entries_)
            if (e.kind == kind && std::abs(e.a - a) <= slack(kind) && std::abs(e.b - b) <= slack(kind)) return true;
        return false;
    }
    // Left and right Shift, Ctrl and Alt as one key (VK_SHIFT, VK_CONTROL,
    // VK_MENU): a hook may report either for what we sent.
    static unsigned generic(unsigned vk) { return vk >= 0xA0 && vk <= 0xA5 ? 0x10 + (vk - 0xA0) / 2 : vk; }
    static int slack(Kind k) { return k == Kind::motion ? 1 : 0; }

    std::mutex mu_;
    std::deque<Entry> entries_;
};

}  // namespace wininput
