#include "plant_link.h"

#include <windows.h>

bool plant_link(const std::filesystem::path& target, const std::filesystem::path& link) {
    // 0x2: SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE (Windows 10 developer mode).
    CreateSymbolicLinkW(link.wstring().c_str(), target.wstring().c_str(), 0x2);
    DWORD a = GetFileAttributesW(link.wstring().c_str());
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_REPARSE_POINT);
}
