// Linux's places for the settings files (see settings/settings_lines.h).
#include "settings/settings_lines.h"

#include <sys/stat.h>

#include <cstdlib>

namespace settings {
namespace {

// The admin's settings files: /etc/tether/tether.conf, relay.conf.
constexpr const char* kSystemSettingsDir = "/etc/tether/";

}  // namespace

std::vector<std::string> default_settings_files(const std::string& name) {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    std::string user = xdg && *xdg ? std::string(xdg) + "/tether/" + name
                     : home && *home ? std::string(home) + "/.config/tether/" + name : "";
    std::vector<std::string> out;
    for (const std::string& path : {kSystemSettingsDir + name, user}) {
        struct stat st {};
        if (!path.empty() && ::stat(path.c_str(), &st) == 0) out.push_back(path);
    }
    return out;
}

}  // namespace settings
