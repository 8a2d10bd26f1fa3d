#include "platform/dirs.h"

#include <windows.h>
#include <shlobj.h>

#include <stdexcept>

#include "platform/windows_text.h"

namespace platform {
namespace {

bool is_dir(const std::wstring& p) {
    DWORD a = GetFileAttributesW(p.c_str());
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

// The known folder's path in UTF-8, "" when Windows has none.
std::string known_folder(REFKNOWNFOLDERID id) {
    PWSTR dir = nullptr;
    std::string out;
    if (SHGetKnownFolderPath(id, 0, nullptr, &dir) == S_OK) out = to_utf8(dir);
    CoTaskMemFree(dir);
    return out;
}

}  // namespace

std::string tether_dir(TetherDir kind) {
    std::string base;
    switch (kind) {
    case TetherDir::system_config: base = known_folder(FOLDERID_ProgramData); break;
    case TetherDir::user_config: base = known_folder(FOLDERID_RoamingAppData); break;
    case TetherDir::user_cache:
    case TetherDir::user_data: base = known_folder(FOLDERID_LocalAppData); break;
    }
    return base.empty() ? "" : base + "\\Tether";
}

void make_private_dirs(const std::string& path) {
    if (path.empty()) throw std::runtime_error("cannot create the folder: no path given");
    std::wstring w = long_path(path);
    std::string why;
    // Every prefix that ends at a separator, after the \\?\ and drive parts.
    for (std::size_t i = w.find(L'\\', w.rfind(L':') + 2); ; i = w.find(L'\\', i + 1)) {
        std::wstring part = i == std::wstring::npos ? w : w.substr(0, i);
        if (!is_dir(part) && !CreateDirectoryW(part.c_str(), nullptr) && GetLastError() != ERROR_ALREADY_EXISTS)
            why = last_error_text();
        if (i == std::wstring::npos) break;
    }
    if (!is_dir(w)) throw std::runtime_error("cannot create the folder " + path + (why.empty() ? "" : ": " + why));
}

std::string user_downloads_dir(const std::string& sub) {
    std::string base = known_folder(FOLDERID_Downloads);
    return base.empty() ? sub + "-downloads" : base + "\\" + sub;
}

bool replace_file(const std::string& from, const std::string& to) {
    return MoveFileExW(long_path(from).c_str(), long_path(to).c_str(), MOVEFILE_REPLACE_EXISTING) != 0;
}

bool open_folder(const std::string& path) {
    auto r = reinterpret_cast<INT_PTR>(ShellExecuteW(nullptr, L"open", to_utf16(path).c_str(), nullptr, nullptr, SW_SHOWNORMAL));
    return r > 32;  // ShellExecute's own convention: above 32 is success
}

}  // namespace platform
