#include "platform/dirs.h"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace platform {

void make_private_dirs(const std::string& path) {
    if (path.empty()) throw std::runtime_error("cannot create the folder: no path given");
    std::string why;
    for (std::size_t i = 1; i <= path.size(); ++i) {
        if (i < path.size() && path[i] != '/') continue;
        if (::mkdir(path.substr(0, i).c_str(), 0700) != 0 && errno != EEXIST) why = std::strerror(errno);
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw std::runtime_error("cannot create the folder " + path + (why.empty() ? "" : ": " + why));
}

namespace {

// $VAR if set and not empty, else $HOME/fallback, else "".
std::string xdg_base(const char* var, const char* fallback) {
    if (const char* v = std::getenv(var); v && *v) return v;
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/" + fallback;
    return "";
}

}  // namespace

std::string tether_dir(TetherDir kind) {
    std::string base;
    switch (kind) {
    case TetherDir::system_config: return "/etc/tether";
    case TetherDir::user_config: base = xdg_base("XDG_CONFIG_HOME", ".config"); break;
    case TetherDir::user_cache: base = xdg_base("XDG_CACHE_HOME", ".cache"); break;
    case TetherDir::user_data: base = xdg_base("XDG_DATA_HOME", ".local/share"); break;
    }
    return base.empty() ? "" : base + "/tether";
}

std::string user_downloads_dir(const std::string& sub) {
    const char* home = std::getenv("HOME");
    return home && *home ? std::string(home) + "/Downloads/" + sub : sub + "-downloads";
}

bool replace_file(const std::string& from, const std::string& to) { return std::rename(from.c_str(), to.c_str()) == 0; }

extern "C" char** environ;

bool open_folder(const std::string& path) {
    std::string prog = "xdg-open";
    char* argv[] = {prog.data(), const_cast<char*>(path.c_str()), nullptr};
    pid_t pid = 0;
    if (::posix_spawnp(&pid, "xdg-open", nullptr, nullptr, argv, environ) != 0) return false;
    std::thread([pid] { ::waitpid(pid, nullptr, 0); }).detach();  // reaped whenever it ends: no zombie, no wait here
    return true;
}

}  // namespace platform
