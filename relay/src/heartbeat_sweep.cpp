#include "heartbeat_sweep.h"

#include <algorithm>

namespace relay {

HeartbeatSweep::HeartbeatSweep(std::chrono::milliseconds heartbeat)
    : period_(std::max<SteadyClock::duration>(heartbeat / 4, std::chrono::milliseconds(1))),
      silence_(heartbeat) {}

std::uint64_t HeartbeatSweep::add(const LastGive* last, std::function<void()> due) {
    std::lock_guard<std::mutex> lock(mutex_);
    const std::uint64_t id = next_id_++;
    entries_.emplace(id, Entry{last, std::move(due)});
    return id;
}

void HeartbeatSweep::remove(std::uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase(id);
}

void HeartbeatSweep::tick(SteadyClock::time_point now) {
    const SteadyClock::rep before = stamp(now - silence_);
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, e] : entries_)
        if (e.last->load(std::memory_order_relaxed) <= before) e.due();
}

}  // namespace relay
