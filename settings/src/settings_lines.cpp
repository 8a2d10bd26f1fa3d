// The key = value lines of a settings file (see settings/settings_lines.h);
// portable: tether-client.exe and proxydetect (proxy.conf) read with it too.
#include "settings/settings_lines.h"
#include "settings/tether_conf.h"

#include "platform/dirs.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace settings {
namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// "Proxy_User" -> "proxy-user".
std::string canonical_key(std::string k) {
    for (char& c : k) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return k;
}

std::string located(const std::string& file, int line, const std::string& message) {
    return file + (line > 0 ? ":" + std::to_string(line) : "") + ": " + message;
}

[[noreturn]] void fail(const std::string& file, int line, const std::string& what) {
    throw SettingsError(file, line, what);
}

}  // namespace

SettingsError::SettingsError(std::string file, int line, std::string message)
    : std::runtime_error(located(file, line, message)), file_(std::move(file)), line_(line),
      message_(std::move(message)) {}

std::string read_settings_text(const std::string& path, const std::string& kind) {
    std::error_code ec;
    if (std::filesystem::is_directory(std::filesystem::u8path(path), ec))
        fail(path, 0, "is a directory, not a " + kind);
    std::ifstream f(std::filesystem::u8path(path), std::ios::binary);
    if (!f) fail(path, 0, "cannot read the file; check that it exists and is readable");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::vector<SettingLine> parse_settings_lines(const std::string& text, const std::string& origin) {
    const bool bom = text.compare(0, 3, "\xEF\xBB\xBF") == 0;  // Windows editors
    std::istringstream in(bom ? text.substr(3) : text);
    std::vector<SettingLine> out;
    std::map<std::string, int> seen;
    std::string raw;
    for (int number = 1; std::getline(in, raw); ++number) {
        std::string line = trim(raw);
        if (line.empty() || line[0] == '#') continue;
        auto eq = line.find('=');
        if (eq == std::string::npos) fail(origin, number, "expected 'key = value', got '" + line + "'");
        std::string written = trim(line.substr(0, eq));
        SettingLine s{canonical_key(written), written, trim(line.substr(eq + 1)), number};
        if (s.key.empty()) fail(origin, number, "no key before '='");
        if (seen.count(s.key))
            fail(origin, number, file_key(s.key) + ": already set on line " + std::to_string(seen[s.key]));
        if (s.value.empty()) fail(origin, number, file_key(s.key) + ": empty value; remove the line for the default");
        seen[s.key] = number;
        out.push_back(s);
    }
    return out;
}

std::vector<SettingLine> read_settings_file(const std::string& path) {
    return parse_settings_lines(read_settings_text(path), path);
}

std::vector<std::string> default_settings_files(const std::string& name) {
    std::vector<std::string> out;
    for (auto kind : {platform::TetherDir::system_config, platform::TetherDir::user_config}) {
        const std::string dir = platform::tether_dir(kind);
        if (dir.empty()) continue;
        const auto path = std::filesystem::u8path(dir) / std::filesystem::u8path(name);
        std::error_code ec;
        if (std::filesystem::exists(path, ec)) out.push_back(path.u8string());
    }
    return out;
}

}  // namespace settings
