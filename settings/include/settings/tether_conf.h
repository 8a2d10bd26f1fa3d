// What every Tether program agrees on about its settings, without Boost so
// that tether-client.exe (client/options_windows.cpp) shares it with the
// Linux programs (settings/settings_file.h):
// - the keys of tether.conf, the one file tether-desk, tether-client (Linux
//   and Windows) and tether-tunnel read. A program reads the keys it knows
//   and ignores the keys of this list that only another program uses (the
//   shipped conf/tether.conf sets `name`, `e2e` and `outage_limit_ms`, which
//   tether-client has no use for); a key in no program's list is an error;
// - the exit codes of every program (docs/ARCHITECTURE.md "Exit codes").
#pragma once

#include <cctype>
#include <string>
#include <vector>

namespace settings {

// Exit codes shared by tether-desk, tether-client(.exe), tether-tunnel,
// tether-relay and tether-proxydetect; 3 and above mean something to one
// program only (documented with it).
constexpr int kExitOk = 0;       // did what was asked (a session took place and ended, --help, --version)
constexpr int kExitFailure = 1;  // could not do it: no session, relay or proxy unreachable, start-up failure
constexpr int kExitUsage = 2;    // a usage or configuration error (flag, variable, file): nothing was attempted

// A tether.conf key as files spell it, and which programs read it.
struct SharedKey {
    const char* key;       // "proxy_user"
    const char* programs;  // "desk client client.exe tunnel"
};

// Every key of tether.conf, in conf/tether.conf's order, then the
// per-program ones. A program's own option missing here is a bug that the
// readers report as such (settings::store_settings_file).
inline const std::vector<SharedKey>& tether_conf_keys() {
    static const std::vector<SharedKey> keys = {
        {"relay", "desk client client.exe tunnel"},
        {"ca", "desk client client.exe tunnel"},
        {"proxy_conf", "desk client client.exe tunnel"},
        {"proxy", "desk client client.exe tunnel"},
        {"proxy_user", "desk client client.exe tunnel"},
        {"proxy_password", "desk client client.exe tunnel"},
        {"proxy_auth", "desk client client.exe tunnel"},
        {"transport", "desk client client.exe tunnel"},
        {"allow_plain_http", "desk client client.exe tunnel"},
        {"relay_key", "desk client client.exe tunnel"},
        {"heartbeat_ms", "desk client client.exe tunnel"},
        {"name", "desk client client.exe tunnel"},
        {"e2e", "tunnel"},
        {"outage_limit_ms", "tunnel"},
        {"headless", "desk client client.exe"},
        {"status_file", "desk client client.exe"},
        {"download_dir", "desk client client.exe"},
        {"send_file", "desk client client.exe"},
        {"file_rate_limit", "desk client client.exe"},
        {"start", "desk"},
        {"renew", "desk"},
        {"snapshot", "desk"},
        {"vnc_listen", "desk"},
        {"quality", "desk"},
        {"direct_listen", "desk"},
        {"chat", "desk client"},
        {"record_dir", "desk"},
        {"no_session_record", "desk"},
        {"record", "desk"},
        {"play", "desk"},
        {"code", "client client.exe"},
        {"allow_control", "client client.exe"},
        {"allow_files", "client client.exe"},
        {"display", "client"},
        {"direct_connect", "client"},
        {"explain", "client.exe"},
    };
    return keys;
}

// "Proxy-User" -> "proxy_user": keys are case-insensitive and '-' equals '_'.
inline std::string file_key(std::string k) {
    for (char& c : k) c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return k;
}

// The tether.conf entry of `key` (any spelling), or nullptr.
inline const SharedKey* find_tether_conf_key(const std::string& key) {
    const std::string k = file_key(key);
    for (const SharedKey& s : tether_conf_keys())
        if (k == s.key) return &s;
    return nullptr;
}

// "relay, ca, ..." for messages.
inline std::string tether_conf_key_list() {
    std::string out;
    for (const SharedKey& s : tether_conf_keys()) out += (out.empty() ? "" : ", ") + std::string(s.key);
    return out;
}

// The message for a key in no program's list: the valid ones, and where
// each program's are described.
inline std::string unknown_tether_conf_key(const std::string& written) {
    return "unknown key '" + written + "' (valid keys: " + tether_conf_key_list() + ")";
}

}  // namespace settings
