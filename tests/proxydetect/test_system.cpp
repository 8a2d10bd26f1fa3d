// The real world.h implementations, on what this machine can show without
// leaving 127.0.0.1: overrides, numeric names, files, commands, addresses.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "detector_fixture.h"
#include "proxydetect/config.h"
#include "proxydetect/pac.h"
#include "proxydetect/system.h"

using namespace proxydetect;
using V = std::vector<std::string>;

TEST_CASE("system resolver: overrides first, numeric names without DNS", "[system]") {
    auto dns = make_system_resolver({{"wpad.corp.test", {"127.0.0.1", "::1"}}});
    CHECK(dns->resolve("WPAD.Corp.Test.") == V{"127.0.0.1", "::1"});
    CHECK(dns->resolve("127.0.0.1") == V{"127.0.0.1"});
    CHECK(dns->resolve("::1") == V{"::1"});
}

TEST_CASE("system files and commands", "[system]") {
    std::string path = "/tmp/proxydetect-test-" + std::to_string(::getpid());
    std::ofstream(path) << "hello\n";
    auto files = make_system_files();
    CHECK(files->read(path) == std::optional<std::string>("hello\n"));
    std::string error;
    CHECK_FALSE(files->read(path + ".missing", &error));
    CHECK_FALSE(error.empty());
    std::remove(path.c_str());

    auto cmd = make_system_commands();
    CHECK(cmd->run({"echo", "mode", "'none'"}) == std::optional<std::string>("mode 'none'\n"));
    CHECK_FALSE(cmd->run({"false"}));
    CHECK_FALSE(cmd->run({"/nonexistent/gsettings"}));
}

TEST_CASE("system network: local addresses are never loopback", "[system]") {
    auto net = make_system_network({"corp.test"});
    for (const auto& a : net->local_addresses()) {
        INFO(a);
        CHECK(a != "127.0.0.1");
        CHECK(a != "::1");
        CHECK(a.find('%') == std::string::npos);
    }
    CHECK(net->search_domains() == V{"corp.test"});
}

TEST_CASE("locating the PAC helper", "[system]") {
    CHECK(locate_pac_helper("/opt/x/tether-pac-eval") == "/opt/x/tether-pac-eval");
    ::setenv("TETHER_PAC_EVAL", "/env/tether-pac-eval", 1);
    CHECK(locate_pac_helper() == "/env/tether-pac-eval");
    ::unsetenv("TETHER_PAC_EVAL");
    auto next_to_me = locate_pac_helper();
    CHECK(next_to_me.find("/tests/proxydetect/tether-pac-eval") != std::string::npos);
}

// Linux only (libidn2): on Windows, WinHTTP converts the host itself.
TEST_CASE("IDN hosts reach the PAC and no_proxy as punycode, like Chromium", "[system]") {
    pdtest::Fixture f(parse_config("pac_file = /p.pac\nno_proxy = xn--caf-dma.example\n", "proxy.conf"));
    f.files->files["/p.pac"] = "x";
    f.pac->outcome.ok = true;
    f.pac->outcome.result = "PROXY p:3128";
    auto d = f.detector->resolve("https://Bücher.example/straße?q=1");
    REQUIRE(f.pac->seen.size() == 1);
    CHECK(f.pac->seen[0].host == "xn--bcher-kva.example");
    CHECK(f.pac->seen[0].url == "https://xn--bcher-kva.example/");
    CHECK(d.url.rfind("https://xn--bcher-kva.example/", 0) == 0);
    CHECK(pdtest::pac_strings(f.detector->resolve("https://café.example/")) == V{"DIRECT"});
    CHECK_THROWS_WITH(f.detector->resolve("https://\xCC\x81" "abc.example/"),
                      Catch::StartsWith("cannot use URL"));
}
