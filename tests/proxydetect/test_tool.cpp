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
    CHECK(loose.code == 2);  // a configuration error, as in every program
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
    CHECK(r.code == 2);
    CHECK(r.output == "tether-proxydetect: " + dir.path() + ": is a directory, not a proxy.conf file\n");
}

TEST_CASE("usage errors exit 2 and say so; --version", "[tool]") {
    auto unknown = tool({"frobnicate"});
    CHECK(unknown.code == 2);
    CHECK(unknown.output ==
          "tether-proxydetect: unknown command 'frobnicate'; use explain, resolve or check-config (see --help)\n");
    auto no_url = tool({"explain"});
    CHECK(no_url.code == 2);
    CHECK(no_url.output == "tether-proxydetect: explain needs a URL, e.g. https://relay.example.com/ (see --help)\n");
    auto version = tool({"--version"});
    CHECK(version.code == 0);
    CHECK(version.output == "tether-proxydetect 0.1.0\n");
}
