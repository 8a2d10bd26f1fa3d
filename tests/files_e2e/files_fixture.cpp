#include "files_fixture.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

namespace filestest {

Scratch::Scratch() : path_(temp_dir()) {}

Scratch::~Scratch() {
    // Depth first, without following symlinks: children before their folder.
    nftw(path_.c_str(), [](const char* p, const struct stat*, int, FTW*) { return ::remove(p); }, 16,
         FTW_DEPTH | FTW_PHYS);
}

std::vector<std::string> listing(const std::string& dir) {
    std::vector<std::string> names;
    DIR* d = opendir(dir.c_str());
    if (!d) return names;
    while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

long long file_size(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 ? static_cast<long long>(st.st_size) : -1;
}

bool only_partials(const std::string& dir) {
    for (const auto& n : listing(dir))
        if (n.rfind(".tether-partial-", 0) != 0) return false;
    return true;
}

std::string field(const std::string& status_file, int n, const std::string& name) {
    return read_status(status_file)["file." + std::to_string(n) + "." + name];
}

bool wait_state(const std::string& status_file, int n, const std::string& state, std::chrono::milliseconds limit) {
    return wait_status(status_file, "file." + std::to_string(n) + ".state", state, limit);
}

int row_named(const std::string& status_file, const std::string& name) {
    auto kv = read_status(status_file);
    int count = std::atoi(kv["files_count"].c_str());
    for (int n = 1; n <= count; ++n)
        if (kv["file." + std::to_string(n) + ".name"] == name) return n;
    return 0;
}

bool wait_named_state(const std::string& status_file, const std::string& name, const std::string& state,
                      std::chrono::milliseconds limit) {
    return wait_until([&] {
        int n = row_named(status_file, name);
        return n > 0 && field(status_file, n, "state") == state;
    }, limit);
}

}  // namespace filestest
