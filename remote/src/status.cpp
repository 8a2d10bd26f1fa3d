#include "remote/status.h"

#include <atomic>
#include <fstream>
#include <memory>

#include "platform/dirs.h"

namespace remote {

std::string control_label(bool on) { return std::string("Remote control: ") + (on ? "on" : "off") + "  [F11]"; }
std::string files_label(bool on) { return std::string("File transfer: ") + (on ? "on" : "off") + "  [F12]"; }

std::string control_request_prompt(const std::string& peer) {
    return (peer.empty() ? std::string("Your supporter") : peer) +
           " asks to control your computer. Allow it here, or press F11 at any time.";
}

std::string control_declined_status(const std::string& peer) {
    return "You declined. " + (peer.empty() ? std::string("Your supporter") : peer) +
           " can still see your screen, but not control it.";
}

void write_status_file(const std::string& path, const std::vector<std::pair<std::string, std::string>>& kv) {
    if (path.empty()) return;
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);  // LF on every platform: one format for scripts
        for (auto& [k, v] : kv) out << k << ": " << v << "\n";
    }
    platform::replace_file(tmp, path);
}

std::vector<std::pair<std::string, std::string>> customer_status_lines(const CustomerView& v,
                                                                       const std::string& download_dir,
                                                                       const std::vector<TransferRow>& rows) {
    std::vector<std::pair<std::string, std::string>> kv{{"status", v.status},
                                                        {"peer", v.peer},
                                                        {"auth", v.auth},
                                                        {"route", v.route},
                                                        {"control", v.consent.control ? "on" : "off"},
                                                        {"files", v.consent.files ? "on" : "off"},
                                                        {"active", v.active ? "yes" : "no"},
                                                        {"control_asked", v.control_asked ? "yes" : "no"},
                                                        {"download_dir", download_dir}};
    auto transfers = transfer_status_lines(rows, "supporter");
    kv.insert(kv.end(), transfers.begin(), transfers.end());
    return kv;
}

std::string route_sentence(const std::string& relay, bool direct, const std::string& source, const std::string& why) {
    if (!direct) return relay + " through " + why;
    bool said = source.empty() || source.rfind("default", 0) == 0;
    return relay + " directly" + (said ? "" : " (from " + source + ")");
}

std::string describe_status(const session::SessionStatus& s, session::SessionState previous,
                            const std::string& waiting_for) {
    using session::SessionState;
    if (s.state == previous && s.state != SessionState::connecting) return "";
    std::string detail = s.detail.empty() ? "" : " (" + s.detail + ")";
    switch (s.state) {
    case SessionState::connecting: return "Connecting" + detail + "...";
    case SessionState::waiting_for_peer: return "Waiting for " + waiting_for + "...";
    case SessionState::connected: return previous == SessionState::reconnecting ? "Connected again" + detail : "";
    case SessionState::reconnecting: return "Reconnecting..." + detail;
    case SessionState::ended: return "Ended" + detail;
    }
    return "";
}

session::StatusCallback status_adapter(const StatusFn& status, const std::string& waiting_for) {
    auto last = std::make_shared<std::atomic<session::SessionState>>(session::SessionState::connecting);
    return [status, waiting_for, last](const session::SessionStatus& s) {
        std::string line = describe_status(s, last->exchange(s.state), waiting_for);
        if (!line.empty()) status(line);
    };
}

}  // namespace remote
