#include "refusal_log.h"

namespace relay {

void RefusalLog::note(Refusal why, const std::string& who) {
    ++metrics_.refused[static_cast<int>(why)];
    std::size_t left_out = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        Reason& r = reasons_[static_cast<int>(why)];
        const auto now = std::chrono::steady_clock::now();
        if (r.last != std::chrono::steady_clock::time_point{} && now - r.last < kInterval) {
            ++r.left_out;
            return;
        }
        r.last = now;
        left_out = r.left_out;
        r.left_out = 0;
    }
    std::string line = std::string("refused ") + who + ": " + refusal_name(why);
    if (left_out) line += " (and " + std::to_string(left_out) + " more of this kind not logged)";
    log_.warn("limits", line);
}

}  // namespace relay
