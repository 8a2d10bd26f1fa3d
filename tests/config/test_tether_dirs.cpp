// platform::tether_dir on Linux: the XDG base directory rules (an empty
// variable counts as unset), $HOME's defaults, and "" with no home at all.
// The settings files, the transport cache and the session records all
// start from it.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "platform/dirs.h"

using platform::TetherDir;
using platform::tether_dir;

namespace {

// Sets the variables for one case and puts the old values back after it.
class Env {
public:
    explicit Env(const std::map<std::string, std::optional<std::string>>& vars) {
        for (const auto& [name, value] : vars) {
            const char* old = std::getenv(name.c_str());
            saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
            set(name, value);
        }
    }
    ~Env() {
        for (const auto& [name, value] : saved_) set(name, value);
    }

private:
    static void set(const std::string& name, const std::optional<std::string>& value) {
        if (value) ::setenv(name.c_str(), value->c_str(), 1);
        else ::unsetenv(name.c_str());
    }
    std::map<std::string, std::optional<std::string>> saved_;
};

}  // namespace

TEST_CASE("tether_dir: XDG variables first, then $HOME's defaults", "[tether_dirs]") {
    Env env({{"HOME", "/home/ann"},
             {"XDG_CONFIG_HOME", "/x/config"},
             {"XDG_CACHE_HOME", std::nullopt},
             {"XDG_DATA_HOME", ""}});
    CHECK(tether_dir(TetherDir::system_config) == "/etc/tether");
    CHECK(tether_dir(TetherDir::user_config) == "/x/config/tether");
    CHECK(tether_dir(TetherDir::user_cache) == "/home/ann/.cache/tether");
    CHECK(tether_dir(TetherDir::user_data) == "/home/ann/.local/share/tether");  // empty: unset
}

TEST_CASE("tether_dir: no home and no XDG variable names no user folder", "[tether_dirs]") {
    Env env({{"HOME", std::nullopt},
             {"XDG_CONFIG_HOME", std::nullopt},
             {"XDG_CACHE_HOME", std::nullopt},
             {"XDG_DATA_HOME", "/data"}});
    CHECK(tether_dir(TetherDir::user_config).empty());
    CHECK(tether_dir(TetherDir::user_cache).empty());
    CHECK(tether_dir(TetherDir::user_data) == "/data/tether");
    CHECK(tether_dir(TetherDir::system_config) == "/etc/tether");
}
