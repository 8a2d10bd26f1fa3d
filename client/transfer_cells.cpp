#include "transfer_cells.h"

#include <cstdio>

namespace client {
namespace {

// Below this much time the average says more about timer grain than speed.
constexpr std::chrono::milliseconds kMinSpeedWindow{300};

std::string progress(const remote::TransferRow& r) {
    using remote::TransferState;
    switch (r.state) {
    case TransferState::preparing: return "checking the file";
    case TransferState::offered: return "waiting for the other side";
    case TransferState::running: return std::to_string(r.percent()) + "%";
    case TransferState::done: return "done";
    case TransferState::failed: return std::to_string(r.percent()) + "%  failed: " + r.text;
    }
    return "";
}

// The last part of a name or path (what the list shows; a name from the peer may hold separators).
std::string base_name(const std::string& path) {
    auto cut = path.find_last_of("/\\");
    return cut == std::string::npos ? path : path.substr(cut + 1);
}

// Windows shows paths with backslashes, whatever separator we were given.
std::string windows_path(std::string p) {
    for (char& c : p)
        if (c == '/') c = '\\';
    return p;
}

}  // namespace

std::string human_bytes(std::uint64_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes) / 1024;
    int u = 0;
    for (; v >= 1024 && u < 3; ++u) v /= 1024;
    char out[32];
    std::snprintf(out, sizeof out, "%.1f %s", v, units[u]);
    return out;
}

std::vector<TransferRowCells> TransferCells::cells(const std::vector<remote::TransferRow>& rows,
                                                    Clock::time_point now) {
    if (meters_.size() < rows.size()) meters_.resize(rows.size());
    std::vector<TransferRowCells> out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        bool sending = r.direction == files::Direction::send;
        out.push_back({base_name(r.name), sending ? "to supporter" : "from supporter", human_bytes(r.size), progress(r),
                       speed(meters_[i], r, now), saved_to(r)});
    }
    return out;
}

std::string TransferCells::speed(Meter& m, const remote::TransferRow& r, Clock::time_point now) {
    using remote::TransferState;
    if (m.ended) return m.speed;
    bool done = r.state == TransferState::done;
    if (r.state != TransferState::running && !done) {
        m.ended = r.state == TransferState::failed;
        return m.speed;
    }
    std::uint64_t bytes = done ? r.size : r.bytes;
    m.ended = done;
    if (!m.started) {  // first seen moving: measure from here
        m.started = true;
        m.start = now;
        m.start_bytes = bytes;
        return m.speed;
    }
    auto elapsed = now - m.start;
    if (elapsed < kMinSpeedWindow || bytes <= m.start_bytes) return m.speed;
    double per_second = static_cast<double>(bytes - m.start_bytes) / std::chrono::duration<double>(elapsed).count();
    m.speed = human_bytes(static_cast<std::uint64_t>(per_second)) + "/s";
    return m.speed;
}

// Received: the full path on this computer; sent: the name the supporter's
// side saved it under (it may have made the name safe or unique).
std::string TransferCells::saved_to(const remote::TransferRow& r) const {
    if (r.state != remote::TransferState::done) return "";
    std::string name = r.text.empty() ? r.name : r.text;
    if (r.direction == files::Direction::send) return "at the supporter: " + name;
    std::string dir = windows_path(download_dir_);
    return dir + (dir.empty() || dir.back() == '\\' ? "" : "\\") + name;
}

}  // namespace client
