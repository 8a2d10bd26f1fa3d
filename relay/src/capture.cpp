#include "relay/capture.h"

#include <fstream>

namespace relay {

void Capture::record(const std::string& short_id, Side from, const wire::Frame& f) {
    if (!enabled()) return;
    const char* dir = from == Side::desk ? "desk-to-client" : "client-to-desk";
    std::lock_guard<std::mutex> lock(mutex_);
    std::ofstream out(dir_ + "/" + short_id + "." + dir, std::ios::binary | std::ios::app);
    out.write(f.payload.data(), static_cast<std::streamsize>(f.payload.size()));
}

void Capture::tamper(const std::string& short_id, Side from, wire::Frame& f) {
    if (tamper_offset_ < 0 || from != Side::desk || f.type != wire::FrameType::data) return;
    const auto at = static_cast<std::uint64_t>(tamper_offset_);
    const std::uint64_t start = wire::payload_u64(f);
    if (at < start || at >= start + wire::data_size(f)) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!tampered_.insert(short_id).second) return;
    f.payload[8 + (at - start)] ^= 1;
}

}  // namespace relay
