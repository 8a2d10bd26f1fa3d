// tether-proxydetect as an admin runs it: check-config and explain output.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "support/process.h"
#include "support/temp_dir.h"

namespace {

test_support::RunResult tool(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {PROXYDETECT_TOOL_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return test_support::run(argv);
}

}  // namespace

TEST_CASE("check-config refuses a credentials file that other users can read", "[tool]") {
    test_support::TempDir dir;
    std::string creds = dir.write("proxy-credentials", "alice:secret\n");
    std::string conf = dir.write("proxy.conf", "proxy = http://proxy.corp:3128\nproxy_credentials_file = " + creds + "\n");
    ::chmod(creds.c_str(), 0644);
    auto loose = tool({"check-config", "-c", conf});
    CHECK(loose.code == 1);
    CHECK(loose.output == "tether-proxydetect: " + conf + ": proxy_credentials_file " + creds +
                              " can be read by other users (mode 0644); it holds a password: run chmod 600 " +
                              creds + "\n");
    ::chmod(creds.c_str(), 0600);
    auto tight = tool({"check-config", "-c", conf});
    CHECK(tight.code == 0);
    CHECK(tight.output == conf + ": OK\n");
}

TEST_CASE("check-config refuses a directory", "[tool]") {
    test_support::TempDir dir;
    auto r = tool({"check-config", "-c", dir.path()});
    CHECK(r.code == 1);
    CHECK(r.output == "tether-proxydetect: " + dir.path() + ": is a directory, not a proxy.conf file\n");
}
