// The one download and the installer (issue 15, item 5), under wine:
// tether-client.exe imports only Windows' own DLLs and its published copy
// (dist/tether-client.exe), alone in an empty folder, joins a session; the NSIS installer
// (packaging/windows/tether-client.nsi), built here with the test relay,
// its CA and a proxy.conf baked in, installs silently, and the installed
// .exe joins with nothing but the code (typed on stdin, `--code -`), its
// relay, trust and proxy.conf from the installer's tether-client.conf;
// the uninstaller removes what was installed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "support/sha256.h"
#include "winclient_fixture.h"

using namespace wintest;
using test_support::Relay;

namespace {

// "Z:\tmp\x" for /tmp/x: how a Windows program under wine names it.
std::string windows_path(const std::string& unix_path) {
    std::string w = "Z:" + unix_path;
    std::replace(w.begin(), w.end(), '/', '\\');
    return w;
}

// The DLL names of `objdump -p`'s import table, lower case.
std::set<std::string> imported_dlls(const std::string& dump) {
    std::set<std::string> out;
    std::istringstream lines(dump);
    const std::string key = "DLL Name: ";
    for (std::string line; std::getline(lines, line);) {
        auto at = line.find(key);
        if (at == std::string::npos) continue;
        std::string name = line.substr(at + key.size());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        out.insert(name);
    }
    return out;
}

// A Windows program under wine in `prefix`; its exit code.
int wine(const Args& args, std::chrono::seconds limit, const std::string& prefix = WINE_PREFIX) {
    test_support::ProcessOptions o;
    o.argv = Args{WINE_RUN} + args;
    o.env["TETHER_WINEPREFIX"] = prefix;
    o.stdin_path = "/dev/null";
    test_support::Process p(o);
    int rc = p.wait(limit);
    INFO(args.front() << " said:\n" << lf(p.out() + p.err()));
    return rc;
}

// The client of `s` is up and waits for its code; type it, then both
// sides show the same authentication string.
std::string type_code_and_join(Session& s) {
    REQUIRE(wait_until([&] { return read_status(s.client_status)["active"] == "no"; }, 90s));
    s.give_code();
    REQUIRE(wait_until([&] { return !read_status(s.client_status)["auth"].empty(); }, 90s));
    REQUIRE(wait_until([&] { return !read_status(s.desk_status)["auth"].empty(); }, 30s));
    CHECK(read_status(s.desk_status)["auth"] == read_status(s.client_status)["auth"]);
    return read_status(s.client_status)["auth"];
}

// `wine reg query KEY [/v NAME | /ve]` in this build's prefix: exit code and output.
std::pair<int, std::string> reg_query(const Args& args) {
    test_support::ProcessOptions o;
    o.argv = Args{WINE_RUN, "reg", "query"} + args;
    o.env["TETHER_WINEPREFIX"] = WINE_PREFIX;
    o.stdin_path = "/dev/null";
    test_support::Process p(o);
    int rc = p.wait(120s);
    return {rc, lf(p.out() + p.err())};
}

void end_session(Session& s) {
    CHECK(s.end_desk() == 0);
    int code = s.client->wait(60s);
    INFO("client stderr:\n" << lf(s.client->err()));
    CHECK(code == 0);
}

}  // namespace

TEST_CASE("windows client: one .exe of Windows' own DLLs that runs from an empty folder", "[standalone]") {
    auto dump = test_support::run({MINGW_OBJDUMP, "-p", WINCLIENT_EXE});
    REQUIRE(dump.code == 0);
    const std::set<std::string> dlls = imported_dlls(dump.output);
    REQUIRE(dlls.count("kernel32.dll") == 1);
    // What every Windows 10/11 has in System32; nothing of the toolchain's
    // or of a library's (libstdc++-6, libgcc_s_seh-1, libwinpthread-1,
    // libgcrypt-20, libgpg-error-0, zlib1).
    const std::set<std::string> system = {"kernel32.dll", "msvcrt.dll", "advapi32.dll", "ws2_32.dll",
                                          "secur32.dll", "crypt32.dll", "winhttp.dll", "user32.dll",
                                          "shell32.dll", "ole32.dll", "iphlpapi.dll", "bcrypt.dll",
                                          "dnsapi.dll", "shlwapi.dll", "userenv.dll", "gdi32.dll",
                                          "comctl32.dll", "comdlg32.dll"};  // the window (issue 15)
    for (const std::string& dll : dlls) {
        INFO("tether-client.exe imports " << dll);
        CHECK(system.count(dll) == 1);
        for (const char* toolchain : {"libstdc++", "libgcc", "winpthread", "gcrypt", "gpg-error", "zlib"})
            CHECK(dll.find(toolchain) == std::string::npos);
    }

    // The published copy (dist/: no debug information), alone in an empty
    // folder as a download lands, works there.
    REQUIRE(imported_dlls(test_support::run({MINGW_OBJDUMP, "-p", DIST_EXE}).output) == dlls);
    Scratch fresh;
    std::filesystem::copy_file(DIST_EXE, fresh / "tether-client.exe");
    Relay relay;
    Session s(relay_args(relay));
    s.exe = fresh / "tether-client.exe";
    s.start_client(relay_args(relay));
    // Each side writes its status file when its own handshake ends: either may be first.
    REQUIRE(wait_until([&] { return !read_status(s.client_status)["auth"].empty(); }, 90s));
    REQUIRE(wait_until([&] { return !read_status(s.desk_status)["auth"].empty(); }, 30s));
    CHECK(read_status(s.desk_status)["auth"] == read_status(s.client_status)["auth"]);
    end_session(s);
    CHECK(listing(fresh.path()) == std::vector<std::string>{"tether-client.exe"});  // it left nothing beside itself
}

TEST_CASE("windows installer: silent install with the relay baked in; the installed client joins; uninstall",
          "[installer]") {
    Relay relay;
    const std::string relay_url = relay.url("localhost") + "/";
    Scratch pkg, target;
    const std::string proxy_conf = pkg / "proxy.conf";
    {
        std::ofstream(proxy_conf) << "# the organisation's word: the relay is reached directly\nno_proxy = localhost\n";
    }
    auto made = test_support::run({MAKENSIS, "-V2", "-NOCD", "-DEXE=" DIST_EXE, "-DOUTFILE=" + pkg / "setup.exe",
                                   "-DVERSION=0.0.test", "-DRELAY=" + relay_url, "-DCA=" + relay.ca_file(),
                                   "-DPROXY_CONF=" + proxy_conf, NSIS_SCRIPT},
                                  120s);
    INFO("makensis:\n" << made.output);
    REQUIRE(made.code == 0);

    const std::string dir = target / "Tether";
    REQUIRE(wine({pkg / "setup.exe", "/S", "/D=" + windows_path(dir)}, 180s) == 0);  // /D: last, unquoted
    CHECK(test_support::sha256_file(dir + "/tether-client.exe") == test_support::sha256_file(DIST_EXE));
    CHECK(test_support::read_file(dir + "/proxy.conf") == test_support::read_file(proxy_conf));
    CHECK(test_support::read_file(dir + "/relay-ca.pem") == test_support::read_file(relay.ca_file()));
    const std::string conf = test_support::read_file(dir + "/tether-client.conf");
    CHECK(conf.find("relay = " + relay_url + "\r\n") != std::string::npos);
    CHECK(conf.find("proxy-conf = " + windows_path(dir) + "\\proxy.conf\r\n") != std::string::npos);
    const std::string shortcut =
        std::string(WINE_PREFIX) + "/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/Tether/Tether.lnk";
    CHECK(std::filesystem::exists(shortcut));
    // The tether:// links of the join page open the installed client.
    const std::string protocol = "HKLM\\Software\\Classes\\tether";
    auto [url_rc, url_protocol] = reg_query({protocol, "/v", "URL Protocol"});
    INFO(url_protocol);
    CHECK(url_rc == 0);
    CHECK(url_protocol.find("URL Protocol    REG_SZ") != std::string::npos);
    auto [cmd_rc, command] = reg_query({protocol + "\\shell\\open\\command", "/ve"});
    INFO(command);
    CHECK(cmd_rc == 0);
    CHECK(command.find("REG_SZ    \"" + windows_path(dir) + "\\tether-client.exe\" \"%1\"") != std::string::npos);

    // The installed client, given only the code (typed later, on stdin).
    Session s(relay_args(relay));
    s.exe = dir + "/tether-client.exe";
    s.code_on_stdin = true;
    s.start_client({});  // no --relay, no --ca, no --proxy-conf
    type_code_and_join(s);
    CHECK(read_status(s.client_status)["route"] == "the relay localhost:" + std::to_string(relay.port()) +
                                                      " directly (from proxy.conf no_proxy 'localhost')");
    end_session(s);

    // _?=: the uninstaller runs in place and is waited for (it then stays).
    REQUIRE(wine({dir + "/uninstall.exe", "/S", "_?=" + windows_path(dir)}, 120s) == 0);
    CHECK(listing(dir) == std::vector<std::string>{"uninstall.exe"});
    CHECK_FALSE(std::filesystem::exists(shortcut));
    auto [gone_rc, gone] = reg_query({protocol});
    INFO(gone);
    CHECK(gone_rc != 0);  // the tether: protocol went with the client
}

// The desk quits (SIGTERM) the moment both sides show the authentication
// string: the client must still end cleanly (exit 0), never abort or hang.
// Found under load: a client that aborted (exit 3, "terminate called without
// an active exception": the greeting's failure thrown out of
// CustomerControl::run() past the screen's thread; tests/screen "a customer
// whose supporter left before the greeting..."), and a client that stayed
// ~60 s in CustomerControl::run() (5 rounds of 68): the desk's end() had
// landed between its connector returning the link and its session existing,
// so it only cancelled a finished connector and the desk stayed; killed 2 s
// later by the test, it left the relay holding the session "reconnecting"
// for its grace period (60 s), and the client rightly waited for it. The
// desk now stops that session as soon as it exists (the Linux twin:
// screen.desk_quits_early).
TEST_CASE("windows client: the desk quits right after the handshake", "[desk_quits_early]") {
    Relay relay;
    for (int round = 0; round < 6; ++round) {
        INFO("round " << round);
        Session s(relay_args(relay));
        if (round % 2) std::this_thread::sleep_for(2s);  // the customer joins late
        s.start_client(relay_args(relay));
        // Each side writes its string when its own handshake ends.
        REQUIRE(wait_until([&] {
            return !read_status(s.client_status)["auth"].empty() && !read_status(s.desk_status)["auth"].empty();
        }, 90s));
        CHECK(s.end_desk(30s) == 0);  // it ends by itself, well inside the relay's 60 s grace
        int code = -1;
        try {
            code = s.client->wait(30s);
        } catch (const std::exception&) {
            // still running: fails below
        }
        INFO("client stderr:\n" << lf(s.client->err()));
        CHECK(code == 0);
        CHECK(s.client->err().find("terminate called") == std::string::npos);
        if (code != 0) return;
    }
}
