#include "dropped_files.h"

#include <sstream>

namespace desk {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// "file:///p", "file://localhost/p" -> "/p" (decoded); anything else -> "".
std::string path_of_file_uri(const std::string& uri) {
    std::string rest = uri.substr(7);  // after "file://"
    auto slash = rest.find('/');
    if (slash == std::string::npos) return "";
    std::string host = rest.substr(0, slash);
    if (!host.empty() && host != "localhost") return "";  // another machine's file
    return percent_decode(rest.substr(slash));
}

}  // namespace

std::string percent_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        int hi = s[i] == '%' && i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
        int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
        if (lo >= 0) {
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::string> dropped_paths(const std::string& text) {
    std::vector<std::string> paths;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == '\0')) line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        std::string path = starts_with(line, "file://") ? path_of_file_uri(line) : line[0] == '/' ? line : "";
        if (!path.empty()) paths.push_back(path);
    }
    return paths;
}

}  // namespace desk
