// tether-client.exe (headless, under wine) with the Linux tether-desk
// (headless) through a real tether-relay: directly, through squid CONNECT
// (the client arriving 20 s after the code appeared), squid with Basic
// auth, the NTLM proxy double, forced poll mode through a buffering nginx,
// proxy.conf's transport pin through a streaming one; and with no --proxy
// at all, the proxy named by a PAC script that the Windows Internet Options
// point to. Asserts what a person would check: the same authentication
// string on both sides, files both ways with the same SHA-256, hostile
// names made safe on the Windows side, and for a wrong code and a dead
// relay the same sentence as the Linux client.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>
#include <thread>

#include "support/file_server.h"
#include "support/net.h"
#include "support/nginx.h"
#include "support/ntlm_proxy.h"
#include "support/sha256.h"
#include "support/squid.h"
#include "support/wine_internet_options.h"
#include "winclient_fixture.h"

using namespace wintest;
using test_support::Relay;
using test_support::write_random_file;

namespace {

// Waits until both status files show the same non-empty auth string.
std::string wait_same_auth(const Session& s) {
    // Each side writes its status file when its own handshake ends: either may be first.
    REQUIRE(wait_until([&] { return !read_status(s.client_status)["auth"].empty(); }, 90s));
    REQUIRE(wait_until([&] { return !read_status(s.desk_status)["auth"].empty(); }, 30s));
    std::string auth = read_status(s.client_status)["auth"];
    CHECK(read_status(s.desk_status)["auth"] == auth);
    return auth;
}

// The file `name` sent by one side arrived whole at the other: both rows
// done, the SHA-256 of `source` and `arrived` equal.
void check_arrived(const Session& s, const std::string& name, const std::string& source, const std::string& arrived) {
    INFO(name);
    REQUIRE(wait_named_state(s.desk_status, name, "done", 240s));
    REQUIRE(wait_named_state(s.client_status, name, "done", 240s));
    CHECK(test_support::sha256_file(arrived) == test_support::sha256_file(source));
}

// One file each way (desk_sends, client_sends), checked; returns the
// authentication string both showed.
std::string files_both_ways(Session& s, const Scratch& src) {
    std::string auth = wait_same_auth(s);
    check_arrived(s, "to-customer.bin", src / "to-customer.bin", s.client_in / "to-customer.bin");
    check_arrived(s, "to-supporter.bin", src / "to-supporter.bin", s.desk_in / "to-supporter.bin");
    return auth;
}

// The desk offers `to-customer.bin`; the client `to-supporter.bin`.
Args desk_sends(const Scratch& src, std::uint64_t bytes) {
    write_random_file(src / "to-customer.bin", bytes, 1);
    return {"--send-file", src / "to-customer.bin"};
}
Args client_sends(const Scratch& src, std::uint64_t bytes) {
    write_random_file(src / "to-supporter.bin", bytes, 2);
    return {"--send-file", src / "to-supporter.bin"};
}

// The client's end: the desk quits (SIGTERM), the client says why and exits 0.
void desk_quits(Session& s) {
    s.desk.reset();
    REQUIRE(s.client->wait(60s) == 0);
    INFO("client stderr:\n" << lf(s.client->err()) << "status: " << read_status(s.client_status)["status"]);
    CHECK(lf(s.client->err()).find("tether-client: Session ended: ") != std::string::npos);
    CHECK(read_status(s.client_status)["active"] == "no");
}

}  // namespace

TEST_CASE("windows client: 50 MiB each way directly, the same authentication string", "[direct]") {
    Relay relay;
    Scratch src;
    Session s(relay_args(relay), desk_sends(src, 50 * MiB + 7));
    auto t0 = std::chrono::steady_clock::now();
    s.start_client(relay_args(relay), client_sends(src, 50 * MiB + 3));
    std::string auth = files_both_ways(s, src);
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    WARN("50 MiB each way, Windows client under wine, directly: " << secs << " s from start");
    CHECK(std::regex_match(auth, std::regex("[0-9]{3} [0-9]{3}")));
    // Printed for a person at the console, the same string as the desk's.
    CHECK(lf(s.client->err()).find("tether-client: authentication string " + auth + "\n") != std::string::npos);
    CHECK(read_status(s.client_status)["route"] == "the relay localhost:" + std::to_string(relay.port()) + " directly");
    CHECK(read_status(s.client_status)["files"] == "on");
    CHECK(read_status(s.client_status)["control"] == "off");  // no F11 on Windows yet
    // No X display here (DISPLAY unset, e2e.winclient.screen has one): the
    // desk stays connected and says so.
    CHECK(read_status(s.desk_status)["phase"] == "connected");
    CHECK(read_status(s.desk_status)["status"] == "Connected to Customer");
    CHECK(listing(s.client_in.path()) == std::vector<std::string>{"to-customer.bin"});
    desk_quits(s);
}

TEST_CASE("windows client: through squid CONNECT, joining 20 s after the code appeared", "[squid_late]") {
    Relay relay;
    SquidRoute proxy(relay);
    Scratch src;
    Session s(proxy.route, desk_sends(src, 3 * MiB + 1));
    std::this_thread::sleep_for(21s);  // the customer takes a while to type the code
    s.start_client(proxy.route, client_sends(src, 2 * MiB + 5));
    files_both_ways(s, src);
    CHECK(read_status(s.client_status)["route"] == proxy.sentence);
    desk_quits(s);
    // The Windows client's CONNECT names Tether on Windows.
    CHECK(windows_tunnel_logged(proxy.squid, relay.port(), 10s));
}

TEST_CASE("windows client: through squid with Basic auth", "[squid_basic]") {
    Relay relay;
    test_support::SquidOptions so = squid_options();
    so.basic_user = "alice";
    so.basic_password = "s3cret";
    test_support::Squid squid(so);
    Args route = relay_args(relay) + Args{"--proxy", squid.url(), "--proxy-user", "alice", "--proxy-password",
                                          "s3cret", "--proxy-auth", "basic"};
    Scratch src;
    Session s(route, desk_sends(src, 1 * MiB));
    s.start_client(route, client_sends(src, 1 * MiB + 1));
    files_both_ways(s, src);
    desk_quits(s);
    CHECK(squid.wait_for_log("CONNECT localhost:[0-9]+ alice .*\\(Windows\\)", 10s));
}

TEST_CASE("windows client: through an NTLM proxy (SSPI)", "[ntlm]") {
    Relay relay;
    test_support::NtlmProxy proxy("alice");
    Scratch src;
    Session s(relay_args(relay), desk_sends(src, 1 * MiB));  // the desk goes direct
    s.start_client(relay_args(relay) + Args{"--proxy", proxy.url(), "--proxy-user", "LAB\\alice", "--proxy-password", "pw"},
                   client_sends(src, 1 * MiB + 1));
    files_both_ways(s, src);
    desk_quits(s);
    std::size_t authenticated = 0;
    for (auto& l : proxy.log()) authenticated += l.find("| type3 user=alice domain=LAB ok |") != std::string::npos;
    CHECK(authenticated >= 3);  // join, the carriers' requests, end
}

TEST_CASE("windows client: forced poll mode through a buffering nginx", "[poll_nginx]") {
    Relay relay;
    BufferingNginx proxy(relay);
    Args route = proxy.poll_route();
    Scratch src;
    Session s(route, desk_sends(src, 4 * MiB + 9));
    s.start_client(route, client_sends(src, 4 * MiB + 11));
    files_both_ways(s, src);
    desk_quits(s);
    std::string log = proxy.nginx.access_log();
    CHECK(log.find("/v1/poll/up") != std::string::npos);
    CHECK(log.find("/v1/stream") == std::string::npos);  // forced: no stream-mode request at all
}

// proxy.conf's `transport` pin (docs/PROXYDETECT.md) holds for
// tether-client.exe as for the Linux client: through a non-buffering nginx,
// where the automatic choice takes stream mode (checked first, without the
// pin), `transport = poll` in --proxy-conf makes every request a poll one.
TEST_CASE("windows client: proxy.conf's transport = poll pins poll mode", "[transport_pin]") {
    Relay relay;
    NginxCert c;
    test_support::Nginx nginx({relay.port(), c.cert, c.key, /*buffering=*/false});
    test_support::TempDir conf("tether-pin");
    const std::string pin = conf.write("proxy.conf", "# only the pin\ntransport = poll\n");
    Args route = {"--relay", nginx.url("localhost") + "/", "--ca", c.cert};
    auto session = [&](const Args& extra) {
        Scratch src;
        Session s(relay_args(relay), desk_sends(src, 1 * MiB + 1));  // the desk goes direct
        s.start_client(route + extra, client_sends(src, 1 * MiB + 2));
        files_both_ways(s, src);
        desk_quits(s);
    };
    session({});  // auto: stream mode
    const std::string unpinned = nginx.access_log();
    CHECK(unpinned.find("/v1/stream") != std::string::npos);
    CHECK(unpinned.find("/v1/poll/up") == std::string::npos);
    session({"--proxy-conf", pin});
    const std::string pinned = nginx.access_log().substr(unpinned.size());
    CHECK(pinned.find("/v1/poll/up") != std::string::npos);
    CHECK(pinned.find("/v1/stream") == std::string::npos);  // pinned: not even a probe
}

TEST_CASE("windows client: hostile names from the desk are made safe on Windows", "[hostile_names]") {
    Relay relay;
    Scratch src;
    const std::string long_name = std::string(250, 'a') + ".bin";  // past 240 bytes and, in the folder, MAX_PATH
    const std::vector<std::pair<std::string, std::string>> names = {
        {"CON.txt", "_CON.txt"}, {"nul", "_nul"}, {"trail. . ", "trail"}, {"a:b.txt", "a_b.txt"},
        // The sender offers only what follows its last / or \\ (files/src/send.cpp).
        {"back\\slash.txt", "slash.txt"}, {"COM1. .txt", "_COM1. .txt"}, {long_name, std::string(236, 'a') + ".bin"}};
    Args offers;
    std::uint64_t seed = 10;
    for (auto& [offered, saved] : names) {
        write_random_file(src / offered, 1000 + seed, seed);
        ++seed;
        offers.insert(offers.end(), {"--send-file", src / offered});
    }
    Session s(relay_args(relay), offers);
    s.start_client(relay_args(relay));
    wait_same_auth(s);
    std::vector<std::string> want;
    for (auto& [offered, saved] : names) {
        INFO(offered << " -> " << saved);
        REQUIRE(wait_named_state(s.client_status, saved, "done", 90s));
        CHECK(test_support::sha256_file(s.client_in / saved) == test_support::sha256_file(src / offered));
        want.push_back(saved);
    }
    std::sort(want.begin(), want.end());
    CHECK(listing(s.client_in.path()) == want);
    desk_quits(s);
}

TEST_CASE("windows client: a wrong code and a dead relay give the Linux client's sentences", "[errors]") {
    Relay relay;
    Session s(relay_args(relay));
    std::string wrong = s.code() == "123456" ? "654321" : "123456";
    auto last_line = [](const std::string& err) {
        auto end = err.find_last_not_of('\n');
        auto begin = err.rfind('\n', end);
        return err.substr(begin == std::string::npos ? 0 : begin + 1, end - (begin == std::string::npos ? 0 : begin + 1) + 1);
    };
    auto both = [&](const Args& args) {
        test_support::Process win(exe_options(Args{"--headless", "--code", wrong} + args));
        test_support::Process lin(linux_client_options(Args{"--headless", "--code", wrong} + args));
        CHECK(win.wait(120s) == lin.wait(60s));
        INFO("windows:\n" << win.err() << "linux:\n" << lin.err());
        return std::make_pair(last_line(lf(win.err())), last_line(lin.err()));
    };
    auto [win_wrong, lin_wrong] = both(relay_args(relay));
    CHECK(win_wrong == lin_wrong);
    CHECK(win_wrong.rfind("tether-client: Could not connect: no session has this code", 0) == 0);
    CHECK(read_status(s.desk_status)["phase"] == "waiting");  // the desk's code still stands

    int dead = test_support::free_port();
    auto [win_dead, lin_dead] = both({"--relay", "https://localhost:" + std::to_string(dead) + "/", "--ca", relay.ca_file()});
    // The same sentence; the system's own detail in brackets differs.
    std::string sentence = "tether-client: Could not connect: cannot reach the relay localhost:" + std::to_string(dead) + " (";
    CHECK(win_dead.rfind(sentence, 0) == 0);
    CHECK(lin_dead.rfind(sentence, 0) == 0);

    test_support::Process help(exe_options({"--help"}));
    CHECK(help.wait(60s) == 0);
    CHECK(lf(help.out()).find("Usage: tether-client.exe [--code N] [options]            (the window)\n"
                              "       tether-client.exe --headless --code N") != std::string::npos);
    CHECK(help.out().find("--proxy-user USER") != std::string::npos);
    test_support::Process bad(exe_options({"--headless", "--code", "12"}));
    CHECK(bad.wait(60s) == 2);  // a usage error (settings::kExitUsage), as on Linux
    CHECK(lf(bad.err()) ==
          "tether-client: --headless needs --code with the 6 to 9 digits from the supporter (see --help)\n");
}

// The Internet Options of the client's wine prefix name a PAC script (served
// here) that returns only the squid: the client, given no --proxy, finds
// it through proxydetect (client/routes_windows.cpp), says so in its route,
// and squid's log shows the tunnel to the relay. In WINE_PREFIX_IE, one at a
// time with e2e.winnet.ie_* (ctest RESOURCE_LOCK wine_prefix_ie).
TEST_CASE("windows client: no --proxy; the Internet Options name a PAC script that names squid", "[pac]") {
    Relay relay;
    test_support::Squid squid(squid_options());
    const std::string proxy = squid.host_port();
    test_support::FileServer pac(
        {{"/proxy.pac", "function FindProxyForURL(url, host) {\n  return 'PROXY " + proxy + "';\n}\n"}});
    test_support::set_internet_options(WINE_RUN, WINE_PREFIX_IE, test_support::kIeScript, "", "", pac.url("/proxy.pac"));
    const std::string origin = "PAC (Windows (WinHTTP) PAC " + pac.url("/proxy.pac") + ")";
    const std::string relay_port = std::to_string(relay.port());

    // --explain: the same words as tether-proxydetect explain, squid first.
    test_support::Process explain(exe_options({"--explain", relay.url("localhost") + "/"}, WINE_PREFIX_IE));
    CHECK(explain.wait(120s) == 0);
    INFO("--explain stdout:\n" << lf(explain.out()) << "stderr:\n" << lf(explain.err()));
    CHECK(lf(explain.out()).find("\nCandidates, in the order they will be tried:\n  1. PROXY " + proxy + "   (from " +
                                 origin + ")\n") != std::string::npos);

    Scratch src;
    Session s(relay_args(relay), desk_sends(src, 1 * MiB + 3));  // the desk goes direct
    s.wine_prefix = WINE_PREFIX_IE;
    s.start_client(relay_args(relay), client_sends(src, 1 * MiB + 5));  // no --proxy
    std::string auth = files_both_ways(s, src);
    CHECK(lf(s.client->err()).find("tether-client: authentication string " + auth + "\n") != std::string::npos);
    CHECK(read_status(s.client_status)["route"] ==
          "the relay localhost:" + relay_port + " through PROXY " + proxy + " (from " + origin + ")");
    desk_quits(s);
    // The client's bytes went through the PAC's proxy (the desk's went direct).
    CHECK(windows_tunnel_logged(squid, relay.port(), 10s));
    auto seen = pac.seen();
    REQUIRE(!seen.empty());
    CHECK(seen.front().rfind("GET /proxy.pac 200 UA Tether/", 0) == 0);
}
