// What an injector recently sent for the supporter, so that the watcher of
// the customer's own input can tell the supporter's events from the
// customer's hand: on X11 injected events come from the XTEST device, as
// do xdotool's; on Windows other programs inject too (on-screen keyboards)
// and wine echoes an injected move back from X as a plain one. Each
// platform keeps its own matching rules (x11desktop/src/injected_input.h,
// wininput/src/injected_input_windows.h) over this one record.
// Thread-safe; header-only (both platforms).
#pragma once

#include <chrono>
#include <cstdlib>
#include <deque>
#include <mutex>

namespace desktop {

class InjectionRecord {
public:
    enum class Kind { motion, key };
    // How an event seen matches one sent: within `slack` in both values
    // (pixels for moves); `consume` forgets the entry matched (each sent
    // event explains one event seen) or keeps it (a platform that reports
    // the same event twice).
    struct Match {
        int slack = 0;
        bool consume = true;
    };

    // Recorded just before the event is sent. `a`, `b`: x, y for moves; the
    // platform's key code and 0 for keys.
    void add(Kind kind, int a, int b) {
        std::lock_guard<std::mutex> lk(mu_);
        if (entries_.size() == kMaxEntries) entries_.pop_front();
        entries_.push_back({kind, a, b, Clock::now()});
    }

    // True if an event seen matches one sent in the last kKeep.
    bool sent(Kind kind, int a, int b, Match m) {
        std::lock_guard<std::mutex> lk(mu_);
        auto now = Clock::now();
        while (!entries_.empty() && now - entries_.front().at > kKeep) entries_.pop_front();
        for (auto it = entries_.begin(); it != entries_.end(); ++it) {
            if (it->kind != kind || std::abs(it->a - a) > m.slack || std::abs(it->b - b) > m.slack) continue;
            if (m.consume) entries_.erase(it);
            return true;
        }
        return false;
    }

private:
    using Clock = std::chrono::steady_clock;
    struct Entry {
        Kind kind;
        int a, b;
        Clock::time_point at;
    };
    // An injected event shows up within milliseconds; older entries are
    // events the system merged or dropped (e.g. a move to where the pointer
    // already was) and must not hide the customer's own hand later.
    static constexpr std::chrono::milliseconds kKeep{2000};
    // The desk sends at most a few hundred events a second.
    static constexpr std::size_t kMaxEntries = 4096;

    std::mutex mu_;
    std::deque<Entry> entries_;
};

}  // namespace desktop
