#include "screen/status.h"

#include <cstdio>
#include <fstream>

namespace screen {

std::string control_label(bool on) { return std::string("Remote control: ") + (on ? "on" : "off") + "  [F11]"; }
std::string files_label(bool on) { return std::string("File transfer: ") + (on ? "on" : "off") + "  [F12]"; }

void write_status_file(const std::string& path, const std::vector<std::pair<std::string, std::string>>& kv) {
    if (path.empty()) return;
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        for (auto& [k, v] : kv) out << k << ": " << v << "\n";
    }
    std::rename(tmp.c_str(), path.c_str());
}

}  // namespace screen
