// What both windows say, in the same words, and the --status-file that lets
// scripts and tests read the visible status without looking at pixels.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "screen/consent.h"

namespace screen {

// "Remote control: off  [F11]" / "File transfer: on  [F12]"
std::string control_label(bool on);
std::string files_label(bool on);

// Writes "key: value" lines to `path` atomically (temp file + rename), so a
// reader never sees a half-written file. No-op for an empty path.
void write_status_file(const std::string& path, const std::vector<std::pair<std::string, std::string>>& kv);

}  // namespace screen
