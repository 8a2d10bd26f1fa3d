// A symbolic link planted in the download folder by the test (the trap the
// receiver must not follow). std::filesystem::create_symlink is not
// implemented by mingw's libstdc++, so each platform has its own file.
#pragma once

#include <filesystem>

// Creates the link `link` -> `target` (a file). False where the platform
// cannot make one: wine 8's CreateSymbolicLinkW reports success and
// creates nothing, so the result is checked, not trusted.
bool plant_link(const std::filesystem::path& target, const std::filesystem::path& link);
