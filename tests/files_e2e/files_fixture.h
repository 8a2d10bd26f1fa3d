// Helpers for the files.e2e tests: folders, the per-transfer lines of the
// programs' --status-file ("file.N.state: done", see screen/file_service.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "programs.h"

namespace filestest {

using namespace screentest;
constexpr std::uint64_t MiB = 1024 * 1024;

// A fresh temporary folder, removed with everything in it by the
// destructor: these tests write tens of MiB per run.
class Scratch {
public:
    Scratch();
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

// Names in `dir` (no "." / ".."), sorted; empty if it does not exist.
std::vector<std::string> listing(const std::string& dir);
// Size of a file in bytes, -1 if missing.
long long file_size(const std::string& path);
// True if every name in `dir` is one of the library's kept partials
// (".tether-partial-<key>" and its ".json"): nothing was completed.
bool only_partials(const std::string& dir);

// The status file's "file.<n>.<field>".
std::string field(const std::string& status_file, int n, const std::string& name);
// Waits until file.<n>.state is `state` (default limit: 60 s).
bool wait_state(const std::string& status_file, int n, const std::string& state,
                std::chrono::milliseconds limit = std::chrono::seconds(60));

// The row number of the transfer named `name` (file.N.name), 0 if none.
int row_named(const std::string& status_file, const std::string& name);
// Waits until the transfer named `name` has `state`.
bool wait_named_state(const std::string& status_file, const std::string& name, const std::string& state,
                      std::chrono::milliseconds limit = std::chrono::seconds(60));

}  // namespace filestest
