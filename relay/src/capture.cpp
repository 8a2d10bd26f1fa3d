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

}  // namespace relay
