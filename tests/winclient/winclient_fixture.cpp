#include "winclient_fixture.h"

#include <catch2/catch.hpp>

#include "support/sha256.h"

namespace wintest {

using test_support::ProcessOptions;

Args operator+(Args a, const Args& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

ProcessOptions exe_options(const Args& args) {
    ProcessOptions o;
    o.argv = Args{WINE_RUN, WINCLIENT_EXE} + args;
    o.env["TETHER_WINEPREFIX"] = WINE_PREFIX;
    o.unset_env = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "DISPLAY"};
    o.stdin_path = "/dev/null";
    return o;
}

ProcessOptions linux_client_options(const Args& args) {
    ProcessOptions o;
    o.argv = Args{client_binary()} + args;
    o.unset_env = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"};
    o.stdin_path = "/dev/null";
    return o;
}

std::string lf(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
    return out;
}

Args relay_args(const test_support::Relay& relay) {
    return {"--relay", relay.url("localhost") + "/", "--ca", relay.ca_file()};
}

Session::Session(const Args& desk_route, const Args& desk_extra) {
    ProcessOptions o;
    o.argv = Args{desk_binary(), "--headless", "--status-file", desk_status, "--download-dir", desk_in.path()} +
             desk_route + desk_extra;
    o.unset_env = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "DISPLAY"};
    o.stdin_path = "/dev/null";
    desk = std::make_unique<test_support::Process>(o);
    REQUIRE(wait_until([&] { return code().size() == 6; }, 30s));
}

std::string Session::code() const { return read_status(desk_status)["code"]; }

void Session::start_client(const Args& route, const Args& extra) {
    client = std::make_unique<test_support::Process>(
        exe_options(Args{"--headless", "--code", code(), "--allow-files", "--status-file", client_status,
                         "--download-dir", "Z:" + client_in.path()} +
                    route + extra));
}

std::string wait_same_auth(const Session& s) {
    REQUIRE(wait_until([&] { return !read_status(s.client_status)["auth"].empty(); }, 90s));
    std::string auth = read_status(s.client_status)["auth"];
    CHECK(read_status(s.desk_status)["auth"] == auth);
    return auth;
}

void check_arrived(const Session& s, const std::string& name, const std::string& source, const std::string& arrived) {
    INFO(name);
    REQUIRE(wait_named_state(s.desk_status, name, "done", 240s));
    REQUIRE(wait_named_state(s.client_status, name, "done", 240s));
    CHECK(test_support::sha256_file(arrived) == test_support::sha256_file(source));
}

}  // namespace wintest
