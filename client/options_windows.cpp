#include "options_windows.h"

#include <windows.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <stdexcept>

#include "settings/settings_lines.h"
#include "settings/tether_conf.h"
#include "wire/session_code.h"

namespace client {
namespace {

// One option: how it stores a value (empty `set`: a switch), its help line.
struct Row {
    const char* name;
    const char* arg;  // nullptr: a switch
    const char* help;
    std::function<void(WinOptions&, const std::string&)> set;
};

template <typename T>
std::function<void(WinOptions&, const std::string&)> to(T WinOptions::*field) {
    return [field](WinOptions& o, const std::string& v) { o.*field = v; };
}

// A switch: on when given alone (the command line); from a file or a
// TETHER_* variable its value says, as Boost's bool_switch reads it on
// Linux (`allow_plain_http = no` is off).
std::function<void(WinOptions&, const std::string&)> on(bool WinOptions::*field) {
    return [field](WinOptions& o, const std::string& v) {
        std::string l;
        for (char c : v) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (l.empty() || l == "yes" || l == "true" || l == "on" || l == "1") o.*field = true;
        else if (l == "no" || l == "false" || l == "off" || l == "0") o.*field = false;
        else throw std::invalid_argument("'" + v + "' is not yes or no");
    };
}

long number(const std::string& name, const std::string& v) {
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || n < 0) throw std::runtime_error("--" + name + " needs a number, not '" + v + "'");
    return n;
}

// TETHER_DEFAULT_RELAY: the relay baked in at build time (CMake option of
// the same name), so that the one downloaded .exe needs only the code.
const char* relay_help() {
    static const std::string text = std::string("relay base URL, e.g. https://relay.example.com/") +
                                    (*TETHER_DEFAULT_RELAY ? std::string(" (default: ") + TETHER_DEFAULT_RELAY + ")" : "");
    return text.c_str();
}

const std::vector<Row>& table() {
    static const std::vector<Row> rows = {
        {"help", nullptr, "show this help", on(&WinOptions::help)},
        {"version", nullptr, "print the version and exit", on(&WinOptions::version)},
        {"check-config", nullptr, "read the options, TETHER_* variables and the settings files, say what is wrong "
                                  "(exit 2) or OK (exit 0), and exit", on(&WinOptions::check_config)},
        {"config", "FILE", "read options from FILE (key = value lines)", to(&WinOptions::config_file)},
        {"code", "N", "the code from the supporter (6 to 9 digits); - reads it from stdin (one line) once the program is up",
         to(&WinOptions::code)},
        {"headless", nullptr, "no window: connect with --code and serve until the session ends",
         on(&WinOptions::headless)},
        {"allow-control", nullptr, "start with remote control on (headless scripts; F11 toggles it)",
         on(&WinOptions::allow_control)},
        {"allow-files", nullptr, "start with file transfer on (F12)", on(&WinOptions::allow_files)},
        {"name", "NAME", "your name, shown to the supporter (default: Customer)", to(&WinOptions::name)},
        {"status-file", "FILE", "keep the visible status in FILE (key: value lines)", to(&WinOptions::status_file)},
        {"download-dir", "DIR", "where files from the supporter are saved (default: Downloads\\Tether)",
         to(&WinOptions::download_dir)},
        {"send-file", "FILE", "offer FILE to the supporter once connected (repeatable; needs --allow-files)",
         [](WinOptions& o, const std::string& v) { o.send_files.push_back(v); }},
        {"file-rate-limit", "KIB", "limit file transfer to N KiB/s (default: no limit)",
         [](WinOptions& o, const std::string& v) { o.file_rate_kib = number("file-rate-limit", v); }},
        {"relay", "URL", relay_help(), to(&WinOptions::relay)},
        {"ca", "FILE", "PEM file of a CA trusted besides the Windows store (a private relay CA, or a TLS-inspecting proxy's)",
         to(&WinOptions::ca)},
        {"proxy-conf", "FILE", "the admin's proxy.conf (default: %ProgramData%\\Tether\\proxy.conf if present)", to(&WinOptions::proxy_conf)},
        {"explain", "URL", "print which proxy (or DIRECT) this machine uses for URL and why, then exit",
         to(&WinOptions::explain)},
        {"proxy", "URL", "use this HTTP proxy, e.g. http://10.0.0.1:3128", to(&WinOptions::proxy)},
        {"proxy-user", "USER", "proxy user name (empty: the logged-on user for NTLM/Negotiate)", to(&WinOptions::proxy_user)},
        {"proxy-password", "PASSWORD", "proxy password", to(&WinOptions::proxy_password)},
        {"proxy-auth", "LIST", "proxy auth schemes: negotiate,ntlm,basic,any,anysafe (default: anysafe)",
         to(&WinOptions::proxy_auth)},
        {"transport", "MODE", "auto (probe), stream or poll (default: auto)", to(&WinOptions::transport)},
        {"allow-plain-http", nullptr, "allow plain HTTP to the relay (poll mode, each request authenticated) for "
                                      "proxies that refuse CONNECT: an http:// relay URL, or the fallback of an "
                                      "https:// one (needs --relay-key)", on(&WinOptions::allow_plain_http)},
        {"relay-key", "HEX", "the relay's public request key, 64 hex digits (proxy.conf relay_key; printed by "
                             "tether-relay)", to(&WinOptions::relay_key)},
        {"heartbeat-ms", "MS", "heartbeat interval in ms (default: 2000)",
         [](WinOptions& o, const std::string& v) { o.heartbeat_ms = number("heartbeat-ms", v); }},
    };
    return rows;
}

const Row* find(const std::string& name) {
    for (const Row& r : table())
        if (name == r.name) return &r;
    return nullptr;
}

// Applies one source's values; `seen` holds options set by an earlier source.
class Layer {
public:
    explicit Layer(WinOptions& o) : o_(o) {}
    void apply(const std::string& name, const std::string& value, const std::string& where) {
        const Row* r = find(name);
        if (!r) throw std::runtime_error("unknown option " + name + " " + where + " (see --help)");
        if (earlier_.count(name)) return;
        now_.insert(name);
        try {
            r->set(o_, value);
        } catch (const std::invalid_argument& e) {
            throw std::runtime_error(settings::file_key(name) + " " + where + ": " + e.what());
        }
    }
    void next_source() {
        earlier_.insert(now_.begin(), now_.end());
        now_.clear();
    }

private:
    WinOptions& o_;
    std::set<std::string> earlier_, now_;
};

// "tether:..." in any case: what Windows passes for a tether:// link
// (the installer registers `"tether-client.exe" "%1"`).
bool is_join_link(const std::string& a) {
    static const std::string scheme = "tether:";
    if (a.size() < scheme.size()) return false;
    for (std::size_t k = 0; k < scheme.size(); ++k)
        if (std::tolower(static_cast<unsigned char>(a[k])) != scheme[k]) return false;
    return true;
}

// The options, and a tether://join/CODE link (the relay's join page,
// docs/RELAY.md "Join page"), which prefills the code like --code and,
// as on Linux (client/main.cpp), beats a --code beside it.
void command_line(Layer& l, int argc, const char* const argv[]) {
    std::string linked_code;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-h") a = "--help";
        if (is_join_link(a)) {
            linked_code = wire::code_from_join_link(a);
            if (linked_code.empty())
                throw std::runtime_error("not a join link: " + a + " (tether://join/ and the 6 to 9 digits of the code)");
            continue;
        }
        if (a.compare(0, 2, "--") != 0) throw std::runtime_error("unexpected argument '" + a + "' (see --help)");
        std::string name = a.substr(2), value;
        auto eq = name.find('=');
        if (eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.erase(eq);
        } else if (const Row* r = find(name); r && r->arg) {
            if (i + 1 >= argc) throw std::runtime_error("--" + name + " needs a value: --" + name + " " + r->arg);
            value = argv[++i];
        }
        l.apply(name, value, "on the command line");
    }
    if (!linked_code.empty()) l.apply("code", linked_code, "in the join link");
}

void environment(Layer& l) {
    for (const Row& r : table()) {
        std::string var = "TETHER_";
        for (const char* p = r.name; *p; ++p)
            var += *p == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(*p)));
        const std::string name = r.name;
        if (name == "config" || name == "help" || name == "version" || name == "check-config") continue;
        if (const char* v = std::getenv(var.c_str()); v && *v && r.set)
            l.apply(r.name, v, "in " + var);
    }
}

// A tether.conf (--config, the admin's and the user's, the installer's
// side file), read by the Linux programs' reader (settings/settings_lines.h:
// '#' starts a comment only at the start of a line, a BOM is skipped, keys
// are case-insensitive with '_' = '-', repeated keys and empty values are
// errors at FILE:LINE); the keys of tether.conf's other readers are
// skipped, unknown keys are errors at FILE:LINE naming the valid ones.
void config_file(Layer& l, const std::string& path, std::vector<std::string>& read) {
    for (const settings::SettingLine& s : settings::read_settings_file(path)) {
        const Row* r = find(s.key);
        bool setting = r && s.key != "help" && s.key != "version" && s.key != "config" && s.key != "check-config";
        if (!setting && settings::find_tether_conf_key(s.written)) continue;  // another program's key
        if (!setting)
            throw std::runtime_error(path + ":" + std::to_string(s.line) + ": " +
                                     settings::unknown_tether_conf_key(s.written));
        l.apply(s.key, s.value, "at " + path + ":" + std::to_string(s.line));
    }
    read.push_back(path);
}

// The folder of tether-client.exe itself (wherever it was started from).
std::filesystem::path exe_dir() {
    std::wstring buf(MAX_PATH, L'\0');
    for (;;) {
        DWORD n = GetModuleFileNameW(nullptr, &buf[0], static_cast<DWORD>(buf.size()));
        if (n == 0) return {};
        if (n < buf.size()) return std::filesystem::path(buf.substr(0, n)).parent_path();
        buf.resize(buf.size() * 2);  // a path past MAX_PATH (\\?\): try again
    }
}

// The admin's side file: tether-client.conf beside the .exe.
std::filesystem::path side_file() {
    std::filesystem::path dir = exe_dir();
    return dir.empty() ? dir : dir / "tether-client.conf";
}

// The settings files, the first one's settings beating the later ones':
// --config FILE, else the user's %APPDATA%\Tether\tether.conf and the
// admin's %ProgramData%\Tether\tether.conf (the Linux programs' rule:
// settings::default_settings_files, the user's beating the admin's); then
// in any case the installer's tether-client.conf beside the .exe (the
// relay, CA and proxy.conf it was built with: the defaults of last resort).
std::vector<std::string> settings_files(const std::string& config) {
    std::vector<std::string> files;
    if (!config.empty()) files.push_back(config);
    else {
        auto found = settings::default_settings_files("tether.conf");  // admin's, then user's
        files.assign(found.rbegin(), found.rend());
    }
    std::error_code ec;
    if (std::filesystem::path side = side_file(); !side.empty() && std::filesystem::is_regular_file(side, ec))
        files.push_back(side.u8string());
    return files;
}

}  // namespace

WinOptions parse_options(int argc, const char* const argv[]) {
    WinOptions o;
    Layer l(o);
    command_line(l, argc, argv);
    l.next_source();
    environment(l);
    l.next_source();
    for (const std::string& file : settings_files(o.config_file)) {
        config_file(l, file, o.files_read);
        l.next_source();
    }
    if (o.relay.empty()) o.relay = TETHER_DEFAULT_RELAY;
    return o;
}

void print_help(std::ostream& out) {
    out << "Usage: tether-client.exe [--code N | tether://join/CODE] [options]   (the window)\n"
           "       tether-client.exe --headless --code N [options]\n"
           "       tether-client.exe --explain URL [--proxy-conf FILE]\n\n"
           "Lets a supporter see this computer's screen, control it while you allow it\n"
           "(F11), and exchange files while you allow it (F12, --allow-files or the\n"
           "window's buttons).\n"
           "Options come from the command line, then TETHER_<OPTION> variables, then\n"
           "--config FILE (else %APPDATA%\\Tether\\tether.conf, then\n"
           "%ProgramData%\\Tether\\tether.conf), then tether-client.conf beside this\n"
           "program (key = value lines).\n\n";
    for (const Row& r : table()) {
        std::string left = std::string("  --") + r.name + (r.arg ? std::string(" ") + r.arg : "");
        out << left << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << r.help << "\n";
    }
}

}  // namespace client
