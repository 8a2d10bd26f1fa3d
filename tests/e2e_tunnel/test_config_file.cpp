// tether.conf as tether-tunnel reads it (settings/settings_file.h, the reader
// tether-desk and tether-client share): the shipped example with every key
// set, unknown keys, and a '#' inside a value (issue 17).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tunnel_fixture.h"

namespace {

// conf/tether.conf with every "# key = value" example line switched on.
std::string every_key_on() {
    std::ifstream f(std::string(TETHER_SOURCE_DIR) + "/conf/tether.conf");
    std::stringstream in;
    in << f.rdbuf();
    return std::regex_replace(in.str(), std::regex("^# ([a-z_]+ = )", std::regex::multiline), "$1");
}

}  // namespace

TEST_CASE("tether.conf: the shipped example, unknown keys, '#' in values", "[config_file]") {
    test_support::TempDir dir;
    test_support::Squid squid;
    test_support::Relay relay;
    // The command line wins over the example's relay, CA and proxy.
    std::vector<std::string> here = {"--relay", relay.url(), "--ca", relay.ca_file(), "--proxy", squid.url()};

    SECTION("every key of conf/tether.conf is accepted") {
        std::string conf = dir.write("tether.conf", every_key_on());
        REQUIRE(conf.size() > 0);
        std::vector<std::string> args = {"--config", conf};
        args.insert(args.end(), here.begin(), here.end());
        args.push_back("probe");
        auto r = e2e::run_plain(args, {});
        INFO(r.err);
        CHECK(r.code == 0);
        CHECK(r.err.find("(user alice, schemes negotiate,ntlm,digest)") != std::string::npos);
    }
    SECTION("an unknown key is an error with FILE:LINE and the valid keys") {
        std::string conf = dir.write("typo.conf", "# mistyped\nprxy = http://127.0.0.1:1\n");
        auto r = e2e::run_plain({"--config", conf, "probe"}, {});
        CHECK(r.code == 2);
        // The keys of every tether.conf reader (settings/tether_conf.h): the file is shared.
        CHECK(r.err == "tether-tunnel: " + conf + ":2: unknown key 'prxy' (valid keys: relay, ca, proxy_conf, "
                       "proxy, proxy_user, proxy_password, proxy_auth, transport, allow_plain_http, relay_key, "
                       "heartbeat_ms, name, e2e, outage_limit_ms, headless, status_file, download_dir, send_file, "
                       "file_rate_limit, start, renew, snapshot, vnc_listen, quality, direct_listen, chat, "
                       "record_dir, no_session_record, record, play, code, allow_control, allow_files, display, "
                       "direct_connect, explain) (see --help)\n");
    }
    SECTION("a '#' inside a value is part of it; dashes and underscores are the same key") {
        std::string conf = dir.write("hash.conf", "proxy-user = al#ice\n# a comment line\n");
        std::vector<std::string> args = {"--config", conf};
        args.insert(args.end(), here.begin(), here.end());
        args.push_back("probe");
        auto r = e2e::run_plain(args, {});
        INFO(r.err);
        CHECK(r.err.find("  OK    proxy: " + squid.host_port() + " (user al#ice, schemes negotiate,ntlm,digest)\n") !=
              std::string::npos);
    }
}

TEST_CASE("tether.conf: found in $XDG_CONFIG_HOME/tether without --config; --version", "[config_file]") {
    test_support::TempDir dir;
    test_support::Squid squid;
    test_support::Relay relay;
    std::filesystem::create_directories(dir.file("tether"));
    dir.write("tether/tether.conf", "relay = " + relay.url() + "\nca = " + relay.ca_file() + "\nproxy = " +
                                        squid.url() + "\nproxy_user = from-xdg\n");
    auto r = e2e::run_plain({"probe"}, {{"XDG_CONFIG_HOME", dir.path()}});
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(r.err.find("  OK    proxy: " + squid.host_port() + " (user from-xdg, ") != std::string::npos);
    // --config names the one file: the default one is not read then.
    std::string other = dir.write("other.conf", "relay = " + relay.url() + "\nca = " + relay.ca_file() +
                                                    "\nproxy = " + squid.url() + "\n");
    auto only = e2e::run_plain({"--config", other, "probe"}, {{"XDG_CONFIG_HOME", dir.path()}});
    CHECK(only.err.find("(no credentials, ") != std::string::npos);

    auto v = e2e::run_plain({"--version"}, {});
    CHECK(v.code == 0);
    CHECK(v.err == "tether-tunnel 0.1.0\n");
}
