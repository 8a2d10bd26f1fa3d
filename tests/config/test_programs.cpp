// One configuration language (issue 17 item 1), as an admin meets it in
// every program: each file of conf/ loaded by each program that reads it,
// the keys tether.conf's readers share, the default relay.conf, --version
// and the exit codes of settings/tether_conf.h (docs/ARCHITECTURE.md "Exit
// codes"), and a proxy credentials file other users can read refused when
// the programs start, not only by check-config (issue 17 item 2).
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/process.h"
#include "support/temp_dir.h"

namespace {

using Args = std::vector<std::string>;

const std::string kConf = std::string(TETHER_SOURCE_DIR) + "/conf/";

struct Ran {
    int code;
    std::string out, err;
};

// `program` with `args`, with a HOME and XDG_CONFIG_HOME of its own (no
// user's tether.conf) and none of our TETHER_* variables.
Ran run(const std::string& program, const Args& args, const std::string& home,
        std::map<std::string, std::string> env = {}) {
    test_support::ProcessOptions o;
    o.argv = {program};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    env.emplace("HOME", home);
    env.emplace("XDG_CONFIG_HOME", home + "/.config");
    o.env = env;
    for (const char* v : {"TETHER_CONFIG", "TETHER_RELAY", "TETHER_PROXY", "TETHER_PROXY_CONF", "TETHER_PROXY_USER",
                          "TETHER_PROXY_PASSWORD", "http_proxy", "https_proxy", "all_proxy", "no_proxy"})
        o.unset_env.push_back(v);
    test_support::Process p(o);
    int code = p.wait(std::chrono::seconds(30));
    return {code, p.out(), p.err()};
}

std::string text_of(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// conf/tether.conf with every "# key = value" example line switched on.
std::string every_key_on(const std::string& conf) {
    return std::regex_replace(text_of(conf), std::regex("^# ([a-z_]+ = )", std::regex::multiline), "$1");
}

struct Program {
    const char* name;
    std::string path;
};

// The programs that read tether.conf (tether-client.exe: e2e.winclient.config).
const std::vector<Program>& tether_conf_readers() {
    static const std::vector<Program> p = {
        {"tether-desk", TETHER_DESK_BIN}, {"tether-client", TETHER_CLIENT_BIN}, {"tether-tunnel", TETHER_TUNNEL_BIN}};
    return p;
}

const std::vector<Program>& all_programs() {
    static const std::vector<Program> p = {{"tether-desk", TETHER_DESK_BIN},
                                           {"tether-client", TETHER_CLIENT_BIN},
                                           {"tether-tunnel", TETHER_TUNNEL_BIN},
                                           {"tether-relay", TETHER_RELAY_BIN},
                                           {"tether-proxydetect", TETHER_PROXYDETECT_BIN}};
    return p;
}

}  // namespace

TEST_CASE("every file in conf/ is loaded by every program that reads it", "[conf_files]") {
    test_support::TempDir home;
    const std::string proxy_conf = kConf + "proxy.conf";
    const std::string all_on = home.write("tether-all.conf", every_key_on(kConf + "tether.conf"));
    for (const Program& p : tether_conf_readers()) {
        for (const std::string& conf : {kConf + "tether.conf", all_on}) {
            Ran r = run(p.path, {"--config", conf, "--proxy-conf", proxy_conf, "--check-config"}, home.path());
            INFO(p.name << " " << conf << "\n" << r.out << r.err);
            CHECK(r.code == 0);
            CHECK(r.out == conf + ": OK\n" + proxy_conf + ": OK\n");
        }
    }
    Ran relay = run(TETHER_RELAY_BIN, {"--config", kConf + "relay.conf", "--check-config"}, home.path());
    INFO(relay.out << relay.err);
    CHECK(relay.code == 0);
    CHECK(relay.out == kConf + "relay.conf: OK\n");
    Ran detect = run(TETHER_PROXYDETECT_BIN, {"check-config", "-c", proxy_conf}, home.path());
    INFO(detect.out << detect.err);
    CHECK(detect.code == 0);
    CHECK(detect.out == proxy_conf + ": OK\n");
}

TEST_CASE("tether.conf is shared: another reader's key is skipped, a key no program knows is refused",
          "[shared_keys]") {
    test_support::TempDir home;
    // One key only tether-tunnel reads, one only tether-client, one only tether-desk.
    const std::string shared = home.write("tether.conf", "relay = https://relay.example.com/\n"
                                                         "outage_limit_ms = 60000\ne2e = yes\n"
                                                         "display = :5\nsnapshot = /tmp/first.png\nname = Sam\n");
    const std::string typo = home.write("typo.conf", "relay = https://relay.example.com/\n# mistyped:\nprxy = http://p:3128\n");
    for (const Program& p : tether_conf_readers()) {
        Ran ok = run(p.path, {"--config", shared, "--check-config"}, home.path());
        INFO(p.name << "\n" << ok.out << ok.err);
        CHECK(ok.code == 0);
        CHECK(ok.out == shared + ": OK\n");
        Ran bad = run(p.path, {"--config", typo, "--check-config"}, home.path());
        INFO(bad.out << bad.err);
        CHECK(bad.code == 2);
        CHECK(bad.err == std::string(p.name) + ": " + typo +
                             ":3: unknown key 'prxy' (valid keys: relay, ca, proxy_conf, proxy, proxy_user, "
                             "proxy_password, proxy_auth, transport, allow_plain_http, relay_key, heartbeat_ms, name, "
                             "e2e, outage_limit_ms, headless, status_file, download_dir, send_file, file_rate_limit, "
                             "start, renew, snapshot, vnc_listen, quality, direct_listen, chat, record_dir, "
                             "no_session_record, record, play, code, allow_control, allow_files, display, "
                             "direct_connect, explain) (see --help)\n");
    }
    // The default file, $XDG_CONFIG_HOME/tether/tether.conf, is read the same way.
    std::filesystem::create_directories(home.file(".config/tether"));
    const std::string user = home.write(".config/tether/tether.conf", text_of(typo));
    Ran found = run(TETHER_CLIENT_BIN, {"--check-config"}, home.path());
    CHECK(found.code == 2);
    CHECK(found.err.rfind("tether-client: " + user + ":3: unknown key 'prxy' (valid keys: relay, ", 0) == 0);
}

TEST_CASE("tether-relay reads relay.conf from the default places", "[relay_conf_default]") {
    test_support::TempDir home;
    std::filesystem::create_directories(home.file(".config/tether"));
    const std::string conf = home.write(".config/tether/relay.conf", "code_ttl = 300\nprxy = 1\n");
    Ran bad = run(TETHER_RELAY_BIN, {"--check-config"}, home.path());
    CHECK(bad.code == 2);
    CHECK(bad.err.rfind("tether-relay: " + conf + ":2: unknown key 'prxy' (valid keys: listen, cert, key, ", 0) == 0);
    home.write(".config/tether/relay.conf", "code_ttl = 300\n");
    Ran ok = run(TETHER_RELAY_BIN, {"--check-config"}, home.path());
    CHECK(ok.code == 0);
    CHECK(ok.out == conf + ": OK\n");
}

TEST_CASE("--version and the exit codes of every program", "[exit_codes]") {
    test_support::TempDir home;
    const std::string bad_value = home.write("bad.conf", "heartbeat_ms = soon\n");
    for (const Program& p : all_programs()) {
        INFO(p.name);
        Ran v = run(p.path, {"--version"}, home.path());
        CHECK(v.code == 0);
        CHECK(v.out == std::string(p.name) + " 0.1.0\n");
        Ran flag = run(p.path, {"--no-such-flag"}, home.path());
        CHECK(flag.code == 2);
        CHECK(flag.err.find("unrecognised option '--no-such-flag'") != std::string::npos);
    }
    // A bad value in a file or on the command line: 2, naming it.
    for (const Program& p : tether_conf_readers()) {
        Ran r = run(p.path, {"--config", bad_value, "--check-config"}, home.path());
        INFO(p.name << "\n" << r.err);
        CHECK(r.code == 2);
        CHECK(r.err.find(bad_value + ":1: heartbeat_ms") != std::string::npos);
    }
    Ran ttl = run(TETHER_RELAY_BIN, {"--code-ttl", "soon"}, home.path());
    CHECK(ttl.code == 2);
    CHECK(ttl.err.find("code-ttl") != std::string::npos);
    Ran no_command = run(TETHER_TUNNEL_BIN, {}, home.path());
    CHECK(no_command.code == 2);
    CHECK(no_command.err == "tether-tunnel: no command given: use open, join CODE or probe (see --help)\n");
    Ran short_code = run(TETHER_CLIENT_BIN, {"--headless", "--code", "12"}, home.path());
    CHECK(short_code.code == 2);
    // Runtime failures: 1. The relay cannot read its certificate; the
    // client finds no desk at the address (no session took place).
    Ran no_cert = run(TETHER_RELAY_BIN, {"--listen", "127.0.0.1:0", "--cert", home.file("none.pem"), "--key",
                                         home.file("none.key")}, home.path());
    INFO(no_cert.err);
    CHECK(no_cert.code == 1);
    Ran no_desk = run(TETHER_CLIENT_BIN, {"--headless", "--code", "123456", "--direct-connect", "127.0.0.1:1"},
                      home.path());
    INFO(no_desk.err);
    CHECK(no_desk.code == 1);
    CHECK(no_desk.err.find("tether-client: Could not connect: ") != std::string::npos);
}

TEST_CASE("a proxy credentials file other users can read is refused when a program starts", "[credentials_mode]") {
    test_support::TempDir home;
    const std::string creds = home.write("proxy-credentials", "alice:pa#ss\n");
    const std::string conf = home.write("proxy.conf", "proxy = http://127.0.0.1:3128\nproxy_credentials_file = " +
                                                          creds + "\n");
    ::chmod(creds.c_str(), 0644);
    const std::string said = conf + ": proxy_credentials_file " + creds +
                             " can be read by other users (mode 0644); it holds a password: run chmod 600 " + creds;
    const std::string relay = "https://relay.example.com/";
    const std::vector<std::pair<std::string, Args>> starts = {
        {"tether-tunnel", {TETHER_TUNNEL_BIN, "--relay", relay, "--proxy-conf", conf, "probe"}},
        {"tether-client", {TETHER_CLIENT_BIN, "--relay", relay, "--proxy-conf", conf, "--headless", "--code", "123456"}},
        {"tether-desk", {TETHER_DESK_BIN, "--relay", relay, "--proxy-conf", conf, "--headless"}},
        {"tether-proxydetect", {TETHER_PROXYDETECT_BIN, "resolve", relay, "-c", conf}},
    };
    for (const auto& [name, argv] : starts) {
        Ran r = run(argv[0], Args(argv.begin() + 1, argv.end()), home.path());
        INFO(name << "\n" << r.out << r.err);
        CHECK(r.code == 2);
        CHECK(r.err.find(name + ": " + said) == 0);
    }
    ::chmod(creds.c_str(), 0600);
    Ran ok = run(TETHER_TUNNEL_BIN, {"--relay", relay, "--proxy-conf", conf, "--check-config"}, home.path());
    CHECK(ok.code == 0);
    CHECK(ok.out == conf + ": OK\n");
}

// Every bad value read from a file names FILE:LINE, the key, the value and
// what would be valid; from the command line or a TETHER_* variable, that
// source instead (issue 17 item 1). Not only the typed options: the
// choices (transport, proxy_auth, log_format) and the checked numbers too.
TEST_CASE("a bad value names its file and line, key, value and the valid choices", "[bad_values]") {
    test_support::TempDir home;
    struct Row {
        std::string line;      // the bad setting, written on line 2
        std::string key;       // as messages spell it
        std::string value;
        std::string choices;   // a part of the sentence that says what is valid
    };
    const std::vector<Row> endpoint_rows = {
        {"transport = bogus", "transport", "bogus", "auto, stream or poll"},
        {"proxy_auth = ntlm,plain", "proxy_auth", "ntlm,plain", "negotiate, ntlm, digest, basic, any or anysafe"},
        {"relay_key = 12ab", "relay_key", "12ab", "64 hex digits"},
        {"heartbeat_ms = 10", "heartbeat_ms", "10", "at least 50"},
        // The password never appears: the value is quoted with it as ***.
        {"proxy = http://alice:s3cret@127.0.0.1:99999", "proxy", "http://alice:***@127.0.0.1:99999", "1-65535"},
    };
    for (const Program& p : tether_conf_readers()) {
        for (const Row& r : endpoint_rows) {
            const std::string conf = home.write("bad.conf", "relay = https://relay.example.com/\n" + r.line + "\n");
            Ran ran = run(p.path, {"--config", conf, "--check-config"}, home.path());
            INFO(p.name << " " << r.line << "\n" << ran.err);
            CHECK(ran.code == 2);
            CHECK(ran.err.rfind(std::string(p.name) + ": " + conf + ":2: " + r.key + ": '" + r.value + "' ", 0) == 0);
            CHECK(ran.err.find(r.choices) != std::string::npos);
            CHECK(ran.err.find("s3cret") == std::string::npos);
        }
        const std::string relay = home.write("relay-url.conf", "relay = ftp://relay.example.com/\n");
        Ran url = run(p.path, {"--config", relay, "--check-config"}, home.path());
        INFO(url.err);
        CHECK(url.code == 2);
        CHECK(url.err.rfind(std::string(p.name) + ": " + relay + ":1: relay: 'ftp://relay.example.com/' ", 0) == 0);
        CHECK(url.err.find("https://HOST[:PORT]/") != std::string::npos);
        // The command line and the environment name themselves.
        Ran flag = run(p.path, {"--relay", "https://relay.example.com/", "--transport", "bogus", "--check-config"},
                       home.path());
        INFO(flag.err);
        CHECK(flag.code == 2);
        CHECK(flag.err.rfind(std::string(p.name) + ": --transport: 'bogus' ", 0) == 0);
        CHECK(flag.err.find("auto, stream or poll") != std::string::npos);
        Ran var = run(p.path, {"--relay", "https://relay.example.com/", "--check-config"}, home.path(),
                      {{"TETHER_TRANSPORT", "bogus"}});
        INFO(var.err);
        CHECK(var.code == 2);
        CHECK(var.err.rfind(std::string(p.name) + ": TETHER_TRANSPORT: 'bogus' ", 0) == 0);
        CHECK(var.err.find("auto, stream or poll") != std::string::npos);
    }
    // A directory is not a settings file (issue 17: check-config accepted one).
    for (const Program& p : tether_conf_readers()) {
        Ran dir = run(p.path, {"--config", home.path(), "--check-config"}, home.path());
        INFO(p.name << "\n" << dir.err);
        CHECK(dir.code == 2);
        CHECK(dir.err.find(home.path() + ": is a directory, not a settings file") != std::string::npos);
    }
    // Numbers: not a number, or negative for a count (Boost alone would
    // wrap -5 to 2^64 - 5), say so in our words, wherever they came from.
    for (const Program& p : {Program{"tether-desk", TETHER_DESK_BIN}, Program{"tether-client", TETHER_CLIENT_BIN}}) {
        const std::string rate = home.write("rate.conf", "relay = https://relay.example.com/\nfile_rate_limit = -5\n");
        Ran r = run(p.path, {"--config", rate, "--check-config"}, home.path());
        INFO(p.name << "\n" << r.err);
        CHECK(r.code == 2);
        CHECK(r.err.rfind(std::string(p.name) + ": " + rate + ":2: file_rate_limit: '-5' ", 0) == 0);
        CHECK(r.err.find("use a whole number of at least 0") != std::string::npos);
        Ran var = run(p.path, {"--relay", "https://relay.example.com/", "--check-config"}, home.path(),
                      {{"TETHER_HEARTBEAT_MS", "soon"}});
        INFO(var.err);
        CHECK(var.code == 2);
        CHECK(var.err.rfind(std::string(p.name) + ": TETHER_HEARTBEAT_MS: 'soon' ", 0) == 0);
        CHECK(var.err.find("use a whole number") != std::string::npos);
        CHECK(var.err.find("the argument") == std::string::npos);  // not Boost's wording
    }
    // HOST:PORT options (the desk's VNC bridge, the direct test link).
    const std::string vnc = home.write("vnc.conf", "relay = https://relay.example.com/\nvnc_listen = 127.0.0.1\n");
    Ran v = run(TETHER_DESK_BIN, {"--config", vnc, "--check-config"}, home.path());
    INFO(v.err);
    CHECK(v.code == 2);
    CHECK(v.err.rfind("tether-desk: " + vnc + ":2: vnc_listen: '127.0.0.1' ", 0) == 0);
    CHECK(v.err.find("use HOST:PORT") != std::string::npos);
    Ran dl = run(TETHER_DESK_BIN, {"--direct-listen", "here:99", "--check-config"}, home.path());
    INFO(dl.err);
    CHECK(dl.code == 2);
    CHECK(dl.err.rfind("tether-desk: --direct-listen: 'here:99' ", 0) == 0);
    Ran dc = run(TETHER_CLIENT_BIN, {"--direct-connect", "127.0.0.1:70000", "--check-config"}, home.path());
    INFO(dc.err);
    CHECK(dc.code == 2);
    CHECK(dc.err.rfind("tether-client: --direct-connect: '127.0.0.1:70000' ", 0) == 0);
    // tether-desk's own: quality.
    const std::string quality = home.write("quality.conf", "relay = https://relay.example.com/\nquality = 12\n");
    Ran q = run(TETHER_DESK_BIN, {"--config", quality, "--check-config"}, home.path());
    INFO(q.err);
    CHECK(q.code == 2);
    CHECK(q.err.rfind("tether-desk: " + quality + ":2: quality: '12' ", 0) == 0);
    CHECK(q.err.find("0 (smallest) to 9 (best)") != std::string::npos);
    // tether-tunnel's own setting.
    const std::string outage = home.write("outage.conf", "outage_limit_ms = 5\n");
    Ran t = run(TETHER_TUNNEL_BIN, {"--config", outage, "--check-config"}, home.path());
    INFO(t.err);
    CHECK(t.code == 2);
    CHECK(t.err.rfind("tether-tunnel: " + outage + ":1: outage_limit_ms: '5' ", 0) == 0);
    CHECK(t.err.find("at least 1000") != std::string::npos);
    // relay.conf: choices and checked numbers.
    const std::vector<Row> relay_rows = {
        {"log_format = xml", "log_format", "xml", "text or json"},
        {"log_level = loud", "log_level", "loud", "debug, info, warn or error"},
        {"code_ttl = 0", "code_ttl", "0", "positive"},
        {"long_code_digits = 12", "long_code_digits", "12", "7 to 9"},
        {"listen = 8443", "listen", "8443", "ADDR:PORT"},
        {"max_sessions = -1", "max_sessions", "-1", "at least 0"},
        {"io_threads = two", "io_threads", "two", "use a whole number"},
    };
    for (const Row& r : relay_rows) {
        const std::string conf = home.write("relay.conf", "dev = yes\n" + r.line + "\n");
        Ran ran = run(TETHER_RELAY_BIN, {"--config", conf, "--check-config"}, home.path());
        INFO(r.line << "\n" << ran.err);
        CHECK(ran.code == 2);
        CHECK(ran.err.rfind("tether-relay: " + conf + ":2: " + r.key + ": '" + r.value + "' ", 0) == 0);
        CHECK(ran.err.find(r.choices) != std::string::npos);
    }
    Ran dir = run(TETHER_RELAY_BIN, {"--config", home.path(), "--check-config"}, home.path());
    CHECK(dir.code == 2);
    CHECK(dir.err.find(home.path() + ": is a directory, not a settings file") != std::string::npos);
    Ran var = run(TETHER_RELAY_BIN, {"--check-config"}, home.path(), {{"TETHER_RELAY_LOG_FORMAT", "xml"}});
    INFO(var.err);
    CHECK(var.code == 2);
    CHECK(var.err.rfind("tether-relay: TETHER_RELAY_LOG_FORMAT: 'xml' ", 0) == 0);
}

// conf/*.conf spell every key with '_' (as messages do); '-' is still
// accepted (issue 17: relay.conf used dashes).
TEST_CASE("the shipped settings files spell keys with '_', and '-' still works", "[key_spelling]") {
    const std::string debian_relay = std::string(TETHER_SOURCE_DIR) + "/packaging/debian/relay.conf";
    for (const std::string& f : {kConf + "relay.conf", kConf + "tether.conf", kConf + "proxy.conf", debian_relay}) {
        std::istringstream lines(text_of(f));
        std::string line;
        int n = 0;
        while (std::getline(lines, line)) {
            ++n;
            std::smatch m;
            // "key = value", also commented out ("# key = value").
            if (!std::regex_match(line, m, std::regex("^#? ?([A-Za-z][A-Za-z0-9_-]*) = .*"))) continue;
            INFO(f << ":" << n << ": " << line);
            CHECK(m[1].str().find('-') == std::string::npos);
        }
    }
    // conf/tether.conf tells what an unset proxy means: detection, not DIRECT.
    CHECK(text_of(kConf + "tether.conf").find("Unset: direct") == std::string::npos);
    test_support::TempDir home;
    const std::string dashes = home.write("relay.conf", "code-ttl = 300\nlog_format = json\nMax-Sessions = 10\n");
    Ran relay = run(TETHER_RELAY_BIN, {"--config", dashes, "--check-config"}, home.path());
    INFO(relay.err);
    CHECK(relay.code == 0);
    CHECK(relay.out == dashes + ": OK\n");
    const std::string both = home.write("tether.conf", "relay = https://relay.example.com/\nheartbeat-ms = 2000\n"
                                                       "proxy_conf = /nonexistent/proxy.conf\n");
    for (const Program& p : tether_conf_readers()) {
        Ran r = run(p.path, {"--config", both, "--check-config"}, home.path());
        INFO(p.name << "\n" << r.err);
        // Read as keys: the file is OK up to the missing proxy.conf, named as such.
        CHECK(r.err.find("unknown key") == std::string::npos);
        CHECK(r.err.find("/nonexistent/proxy.conf") != std::string::npos);
    }
}
