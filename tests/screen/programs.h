// Starts tether-desk and tether-client as processes connected by the direct
// test link, and reads their --status-file.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"

namespace screentest {

// Paths of the built programs (set by CMake).
inline std::string desk_binary() { return TETHER_DESK_BINARY; }
inline std::string client_binary() { return TETHER_CLIENT_BINARY; }

// "key: value" lines of a status file; empty map if it does not exist yet.
std::map<std::string, std::string> read_status(const std::string& path);
// Waits until read_status(path)[key] == value.
bool wait_status(const std::string& path, const std::string& key, const std::string& value,
                 std::chrono::milliseconds limit = 10s);

// A headless desk and a headless client serving `client_display`.
struct HeadlessPair {
    HeadlessPair(const std::string& client_display, const std::vector<std::string>& desk_extra = {},
                 const std::vector<std::string>& client_extra = {});
    std::string dir;  // temp dir holding status files and the snapshot
    std::string desk_status, client_status, snapshot;
    int port = 0;
    std::unique_ptr<Process> desk, client;
};

}  // namespace screentest
