// Helpers of the e2e_winnet tests (see winnet_fixture.h).
#include "winnet_fixture.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <sstream>

using namespace test_support;

namespace winnet_test {


ProcessOptions exe_options(const std::vector<std::string>& args, const std::string& exe, const std::string& prefix) {
    ProcessOptions o;
    o.argv = {WINE_RUN, exe};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.env["TETHER_WINEPREFIX"] = prefix;
    o.unset_env = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                   "no_proxy", "NO_PROXY", "TETHER_PROXY_CONF", "DISPLAY"};
    o.stdin_path = "/dev/null";
    return o;
}

Run run_exe(std::vector<std::string> args, const std::string& exe, const std::string& prefix) {
    Process p(exe_options(args, exe, prefix));
    int code = p.wait(std::chrono::seconds(150));
    // Windows programs end their lines with \r\n: compare as text.
    auto text = [](std::string s) {
        s.erase(std::remove(s.begin(), s.end(), '\r'), s.end());
        return s;
    };
    Run r{code, text(p.out()), text(p.err())};
    UNSCOPED_INFO(exe << " stdout:\n" << r.out << "stderr:\n" << r.err);
    return r;
}

std::vector<std::string> relay_args(const Relay& relay) {
    return {"--relay", relay.url("localhost"), "--ca", relay.ca_file()};
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

SquidOptions squid_options() {
    SquidOptions o;
    o.hosts = {{"localhost", "127.0.0.1"}};
    o.log_user_agent = true;
    return o;
}

void check_frames_ok(const Run& r, const std::string& how) {
    REQUIRE(r.code == 0);
    CHECK(r.out.find("OK carrier desk: " + how) != std::string::npos);
    CHECK(r.out.find("OK carrier client: " + how) != std::string::npos);
    CHECK(r.out.find("OK pong 4242 after") != std::string::npos);
    // Every pong when it arrives: well under the relay's 2 s heartbeat, which
    // is when a frame held back "one chunk late" would show up.
    std::smatch m;
    REQUIRE(std::regex_search(r.out, m, std::regex("OK 20 pongs, slowest after ([0-9]+) us")));
    CHECK(std::stoll(m[1]) < 1500000);
    CHECK(r.out.find("OK data desk->client 70026 bytes exact") != std::string::npos);
    CHECK(r.out.find("OK data client->desk 24 bytes exact") != std::string::npos);
    CHECK(r.out.find("OK ended") != std::string::npos);
}

std::vector<std::string> connect_lines(Squid& squid) {
    squid.stop();
    std::vector<std::string> lines;
    std::istringstream in(squid.access_log());
    for (std::string line; std::getline(in, line);)
        if (line.find(" CONNECT ") != std::string::npos) lines.push_back(line);
    return lines;
}

void check_connects(const std::vector<std::string>& lines, const Relay& relay, std::size_t at_least,
                    const std::string& user) {
    CHECK(lines.size() >= at_least);
    const std::regex ua("\"Tether/[0-9]+\\.[0-9]+\\.[0-9]+ \\(Windows\\)\"$");
    for (auto& l : lines) {
        INFO(l);
        CHECK(l.find("TCP_TUNNEL/200") != std::string::npos);
        CHECK(l.find(" CONNECT localhost:" + std::to_string(relay.port()) + " " + user + " ") != std::string::npos);
        CHECK(std::regex_search(l, ua));
    }
}

}  // namespace winnet_test
