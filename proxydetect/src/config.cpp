#include "proxydetect/config.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cctype>
#include <functional>
#include <map>
#include <sstream>
#include <sys/stat.h>

#include "proxydetect/errors.h"
#include "settings/settings_lines.h"
#include "settings/tether_conf.h"

namespace proxydetect {

const char* to_string(AuthScheme s) {
    switch (s) {
    case AuthScheme::negotiate: return "negotiate";
    case AuthScheme::ntlm: return "ntlm";
    case AuthScheme::digest: return "digest";
    case AuthScheme::basic: return "basic";
    }
    return "?";
}

const char* to_string(Transport t) {
    switch (t) {
    case Transport::automatic: return "auto";
    case Transport::stream: return "stream";
    case Transport::poll: return "poll";
    }
    return "?";
}

const char* to_string(FailureMode m) { return m == FailureMode::direct ? "direct" : "fail"; }

namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// Everything a key's parser needs to report an error at the right place.
struct Line {
    const std::string& origin;
    int number;
    const std::string& key;
    const std::string& value;
    [[noreturn]] void fail(const std::string& what) const {
        throw ConfigError(origin, number, key + ": " + what);
    }
};

bool parse_bool(const Line& l) {
    auto v = lower(l.value);
    if (v == "yes" || v == "true" || v == "on" || v == "1") return true;
    if (v == "no" || v == "false" || v == "off" || v == "0") return false;
    l.fail("'" + l.value + "' is not a boolean; use yes or no");
}

template <typename E>
E parse_choice(const Line& l, const std::map<std::string, E>& choices) {
    auto it = choices.find(lower(l.value));
    if (it != choices.end()) return it->second;
    std::string names;
    for (const auto& [name, _] : choices) names += (names.empty() ? "" : ", ") + name;
    l.fail("'" + l.value + "' is not one of: " + names);
}

std::vector<AuthScheme> parse_auth(const Line& l) {
    static const std::map<std::string, AuthScheme> names{{"negotiate", AuthScheme::negotiate},
                                                          {"ntlm", AuthScheme::ntlm},
                                                          {"digest", AuthScheme::digest},
                                                          {"basic", AuthScheme::basic}};
    std::vector<AuthScheme> out;
    std::stringstream ss(l.value);
    std::string item;
    while (std::getline(ss, item, ',')) {
        Line one{l.origin, l.number, l.key, trim(item)};
        auto s = parse_choice(one, names);
        if (std::find(out.begin(), out.end(), s) != out.end()) l.fail("'" + one.value + "' listed twice");
        out.push_back(s);
    }
    if (out.empty()) l.fail("list at least one scheme, e.g. negotiate,ntlm,digest");
    return out;
}

using Setter = std::function<void(Config&, const Line&)>;

// The keys, in documentation order (config_keys() lists them from here).
const std::vector<std::pair<std::string, Setter>>& setters() {
    static const std::vector<std::pair<std::string, Setter>> table{
        {"proxy", [](Config& c, const Line& l) {
             try { c.proxy = parse_proxy_url(l.value, "proxy.conf proxy"); }
             catch (const Error& e) { l.fail(e.what()); }
             if (!c.proxy->username.empty()) l.fail("put credentials in proxy_user/proxy_password, not in the URL");
         }},
        {"proxy_user", [](Config& c, const Line& l) { c.proxy_user = l.value; }},
        {"proxy_password", [](Config& c, const Line& l) { c.proxy_password = l.value; }},
        {"proxy_credentials_file", [](Config& c, const Line& l) { c.proxy_credentials_file = l.value; }},
        {"auth", [](Config& c, const Line& l) { c.auth = parse_auth(l); }},
        {"allow_basic_over_http", [](Config& c, const Line& l) { c.allow_basic_over_http = parse_bool(l); }},
        {"transport", [](Config& c, const Line& l) {
             c.transport = parse_choice<Transport>(
                 l, {{"auto", Transport::automatic}, {"stream", Transport::stream}, {"poll", Transport::poll}});
         }},
        {"allow_plain_http", [](Config& c, const Line& l) { c.allow_plain_http = parse_bool(l); }},
        {"relay_key", [](Config& c, const Line& l) {
             if (l.value.size() != 64 || l.value.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
                 l.fail("'" + l.value + "' must be the relay's public key: 64 hex digits (tether-relay prints it at start)");
             c.relay_key = l.value;
         }},
        {"plain_relay_url", [](Config& c, const Line& l) {
             if (lower(l.value).rfind("http://", 0) != 0) l.fail("'" + l.value + "' must start with http://");
             c.plain_relay_url = l.value;
         }},
        {"on_detection_failure", [](Config& c, const Line& l) {
             c.on_detection_failure =
                 parse_choice<FailureMode>(l, {{"direct", FailureMode::direct}, {"fail", FailureMode::fail}});
         }},
        {"pac_url", [](Config& c, const Line& l) {
             auto v = lower(l.value);
             if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0 && v.rfind("file://", 0) != 0)
                 l.fail("'" + l.value + "' must start with http://, https:// or file://");
             c.pac_url = l.value;
         }},
        {"pac_file", [](Config& c, const Line& l) {
             if (l.value[0] != '/') l.fail("'" + l.value + "' must be an absolute path");
             c.pac_file = l.value;
         }},
        {"pac_timeout_ms", [](Config& c, const Line& l) {
             bool digits = l.value.size() <= 5 && l.value.find_first_not_of("0123456789") == std::string::npos;
             long ms = digits ? std::stol(l.value) : 0;
             if (ms < 100 || ms > 60000) l.fail("'" + l.value + "' is not a number of milliseconds from 100 to 60000");
             c.pac_timeout = std::chrono::milliseconds(ms);
         }},
        {"wpad", [](Config& c, const Line& l) { c.wpad = parse_bool(l); }},
        {"wpad_domain_limit", [](Config& c, const Line& l) {
             auto v = normalise_host(l.value);
             if (v.find('.') == std::string::npos)
                 l.fail("'" + l.value + "' is a top-level domain; give your organisation's domain, e.g. corp.example.com");
             c.wpad_domain_limit = v;
         }},
        {"no_proxy", [](Config& c, const Line& l) {
             std::vector<std::string> errors;
             c.no_proxy = NoProxyList::parse(l.value, &errors);
             if (!errors.empty()) l.fail(errors.front());
             c.no_proxy_text = l.value;
         }},
    };
    return table;
}

// Key -> the line that set it.
using SeenKeys = std::map<std::string, int>;

std::string line_note(int line) { return " (line " + std::to_string(line) + ")"; }

// Rules that involve several keys, checked after the whole file is read;
// the error is at one key's line and names the other's.
void check_consistency(const SeenKeys& seen, const std::string& origin) {
    auto line = [&](const std::string& k) { auto it = seen.find(k); return it == seen.end() ? 0 : it->second; };
    if (int file = line("proxy_credentials_file"))
        for (const char* inline_key : {"proxy_user", "proxy_password"})
            if (int other = line(inline_key))
                throw ConfigError(origin, file, std::string("proxy_credentials_file: use either this file or ") +
                                                    inline_key + line_note(other) + ", not both");
    if (line("proxy_password") && !line("proxy_user"))
        throw ConfigError(origin, line("proxy_password"), "proxy_password: set proxy_user too, or remove this line");
    int url = line("pac_url"), file = line("pac_file");
    if (url && file) {
        bool file_later = file > url;
        throw ConfigError(origin, std::max(url, file),
                          std::string(file_later ? "pac_file" : "pac_url") + ": set pac_url" +
                              (file_later ? line_note(url) : "") + " or pac_file" +
                              (file_later ? "" : line_note(file)) + ", not both");
    }
}

}  // namespace

const std::vector<std::string>& config_keys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> k;
        for (const auto& [name, _] : setters()) k.push_back(name);
        return k;
    }();
    return keys;
}

Config parse_config(const std::string& text, const std::string& origin) {
    Config c;
    c.origin = origin;
    std::vector<settings::SettingLine> lines;
    try {
        lines = settings::parse_settings_lines(text, origin);  // the one lexer of Tether's settings files
    } catch (const settings::SettingsError& e) {
        throw ConfigError(e.file(), e.line(), e.message());
    }
    SeenKeys seen;  // to name lines in conflicts
    for (const settings::SettingLine& s : lines) {
        const std::string key = settings::file_key(s.key);  // "No-Proxy" -> "no_proxy"
        auto& table = setters();
        auto it = std::find_if(table.begin(), table.end(), [&](const auto& p) { return p.first == key; });
        if (it == table.end())
            throw ConfigError(origin, s.line, "unknown key '" + key + "' (see docs/PROXYDETECT.md for the keys)");
        seen[key] = s.line;
        it->second(c, Line{origin, s.line, key, s.value});
    }
    check_consistency(seen, origin);
    return c;
}

void check_relay_url(const Config& config, const std::string& relay_url) {
    auto scheme = lower(relay_url.substr(0, relay_url.find("://")));
    if (scheme == "https") return;
    if (scheme == "http" && config.allow_plain_http) return;
    if (scheme == "http")
        throw UrlError("relay URL '" + relay_url + "' is plain HTTP; use https://, or set allow_plain_http = yes in " +
                       config.origin + " (for proxies that refuse CONNECT; also set relay_key)");
    throw UrlError("relay URL '" + relay_url + "' must start with https://");
}

Config load_config_file(const std::string& path) {
    try {
        return parse_config(settings::read_settings_text(path, "proxy.conf file"), path);
    } catch (const settings::SettingsError& e) {
        throw ConfigError(e.file(), e.line(), e.message());
    }
}

void check_credentials_file_mode(const Config& c) {
#ifndef _WIN32
    const std::string& path = c.proxy_credentials_file;
    if (path.empty()) return;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw ConfigError(c.origin, 0, "proxy_credentials_file " + path + ": " + std::strerror(errno) +
                                           "; create it (one line user:password, mode 0600) or remove the key");
    if ((st.st_mode & 077) == 0) return;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw ConfigError(c.origin, 0, "proxy_credentials_file " + path + " can be read by other users (mode " + mode +
                                       "); it holds a password: run chmod 600 " + path);
#else
    (void)c;  // Windows: the file's ACL is the admin's (the installer's ProgramData folder)
#endif
}

}  // namespace proxydetect
