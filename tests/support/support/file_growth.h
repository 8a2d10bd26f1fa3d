// A file another process writes (tether-tunnel's stdout, a received file):
// how big it is now, and waiting until it holds enough.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace test_support {

// Bytes in `path` now; 0 if it does not exist (yet).
std::uint64_t file_size(const std::string& path);

// Waits until `path` holds at least `bytes` (there is nothing to wait on but
// the file itself: it is checked every 10 ms). False after `timeout`.
bool wait_for_size(const std::string& path, std::uint64_t bytes, std::chrono::milliseconds timeout);

}  // namespace test_support
