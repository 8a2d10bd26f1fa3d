#include "dropped_files.h"

#include <sstream>

#include "http1/http1.h"

namespace desk {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// "file:///p", "file://localhost/p" -> "/p" (decoded); anything else -> "".
std::string path_of_file_uri(const std::string& uri) {
    std::string rest = uri.substr(7);  // after "file://"
    auto slash = rest.find('/');
    if (slash == std::string::npos) return "";
    std::string host = rest.substr(0, slash);
    if (!host.empty() && host != "localhost") return "";  // another machine's file
    return http1::percent_decode(rest.substr(slash));
}

}  // namespace

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
