// The key = value lines of a settings file (see settings/settings_lines.h);
// portable: tether-client.exe reads its files with it too.
#include "settings/settings_lines.h"
#include "settings/tether_conf.h"

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

[[noreturn]] void fail(const std::string& path, int line, const std::string& what) {
    throw std::runtime_error(path + (line > 0 ? ":" + std::to_string(line) : "") + ": " + what);
}

std::string file_text(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(std::filesystem::u8path(path), ec))
        fail(path, 0, "is a directory, not a settings file");
    std::ifstream f(std::filesystem::u8path(path), std::ios::binary);
    if (!f) fail(path, 0, "cannot read the file; check that it exists and is readable");
    std::stringstream ss;
    ss << f.rdbuf();
    std::string text = ss.str();
    return text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? text.substr(3) : text;  // Windows editors' BOM
}

}  // namespace

std::vector<SettingLine> read_settings_file(const std::string& path) {
    std::istringstream in(file_text(path));
    std::vector<SettingLine> out;
    std::map<std::string, int> seen;
    std::string raw;
    for (int number = 1; std::getline(in, raw); ++number) {
        std::string line = trim(raw);
        if (line.empty() || line[0] == '#') continue;
        auto eq = line.find('=');
        if (eq == std::string::npos) fail(path, number, "expected 'key = value', got '" + line + "'");
        std::string written = trim(line.substr(0, eq));
        SettingLine s{canonical_key(written), written, trim(line.substr(eq + 1)), number};
        if (s.key.empty()) fail(path, number, "no key before '='");
        if (seen.count(s.key))
            fail(path, number, file_key(s.key) + ": already set on line " + std::to_string(seen[s.key]));
        if (s.value.empty()) fail(path, number, file_key(s.key) + ": empty value; remove the line for the default");
        seen[s.key] = number;
        out.push_back(s);
    }
    return out;
}

}  // namespace settings
