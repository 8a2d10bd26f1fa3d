#include "winclient_fixture.h"

#include <stdexcept>

namespace wintest {

using test_support::ProcessOptions;

Args operator+(Args a, const Args& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

ProcessOptions exe_options(const Args& args, const std::string& prefix, const std::string& exe) {
    ProcessOptions o;
    o.argv = Args{WINE_RUN, exe} + args;
    o.env["TETHER_WINEPREFIX"] = prefix;
    o.unset_env = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                   "no_proxy", "NO_PROXY", "TETHER_PROXY_CONF", "DISPLAY"};
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
    if (!wait_until([&] { return code().size() == 6; }, 30s))
        throw std::runtime_error("tether-desk showed no code within 30 s");
}

std::string Session::code() const { return read_status(desk_status)["code"]; }

Args client_args(const Session& s, const std::string& download_dir) {
    return {"--headless", "--code", s.code_on_stdin ? "-" : s.code(), "--allow-files", "--status-file", s.client_status, "--download-dir",
            download_dir};
}

void Session::start_client(const Args& route, const Args& extra) {
    ProcessOptions o = exe_options(client_args(*this, "Z:" + client_in.path()) + route + extra, wine_prefix, exe);
    if (code_on_stdin) o.stdin_path.clear();  // a pipe
    client = std::make_unique<test_support::Process>(o);
}

void Session::start_linux_client(const std::string& display, const Args& route, const Args& extra) {
    ProcessOptions o =
        linux_client_options(client_args(*this, client_in.path()) + Args{"--display", display} + route + extra);
    if (code_on_stdin) o.stdin_path.clear();
    client = std::make_unique<test_support::Process>(o);
}

void Session::give_code() { client->write_stdin(code() + "\n"); }

}  // namespace wintest
