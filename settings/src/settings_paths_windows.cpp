// Windows' places for the settings files (see settings/settings_lines.h):
// the admin's %ProgramData%\Tether (machine-wide, what a deployment tool or
// group policy writes) and the user's %APPDATA%\Tether (the roaming profile,
// as $XDG_CONFIG_HOME on Linux), asked of the shell, not of the
// environment, so that a service or a stripped environment finds them too.
#include "settings/settings_lines.h"

#include <windows.h>
#include <shlobj.h>

#include <filesystem>

#include "platform/windows_text.h"

namespace settings {
namespace {

// The known folder's path in UTF-8, "" when Windows has none.
std::string known_folder(REFKNOWNFOLDERID id) {
    PWSTR dir = nullptr;
    std::string out;
    if (SHGetKnownFolderPath(id, 0, nullptr, &dir) == S_OK) out = platform::to_utf8(dir);
    CoTaskMemFree(dir);
    return out;
}

}  // namespace

std::vector<std::string> default_settings_files(const std::string& name) {
    std::vector<std::string> out;
    for (const KNOWNFOLDERID* id : {&FOLDERID_ProgramData, &FOLDERID_RoamingAppData}) {
        std::string dir = known_folder(*id);
        if (dir.empty()) continue;
        std::string path = dir + "\\Tether\\" + name;
        std::error_code ec;
        if (std::filesystem::exists(std::filesystem::u8path(path), ec)) out.push_back(path);
    }
    return out;
}

}  // namespace settings
