// PNG files of a desktop::Frame (snapshots, screenshots, tests). RGB, 8 bits per channel.
#pragma once

#include <string>

#include "desktop/platform.h"

namespace screen {

// Throws std::runtime_error on I/O failure. Writes to path + ".tmp" then
// renames, so a reader polling for the file never sees half of it.
void write_png(const std::string& path, const desktop::Frame& f);
// Throws std::runtime_error if the file is missing or not a PNG.
desktop::Frame read_png(const std::string& path);

}  // namespace screen
