#include "tunnel_fixture.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

namespace e2e {

Route via(const test_support::Squid& squid, const test_support::Relay& relay) {
    Route r;
    r.relay_url = relay.url("127.0.0.1");
    r.ca_file = relay.ca_file();
    r.proxy_url = squid.url();
    return r;
}

std::string tunnel_binary() { return TETHER_TUNNEL_BIN; }

std::vector<std::string> tunnel_argv(const Route& r, const std::vector<std::string>& args) {
    std::vector<std::string> a = {tunnel_binary(), "--relay", r.relay_url};
    auto opt = [&](const char* name, const std::string& v) {
        if (!v.empty()) a.insert(a.end(), {name, v});
    };
    opt("--ca", r.ca_file);
    opt("--proxy", r.proxy_url);
    opt("--proxy-user", r.proxy_user);
    opt("--proxy-password", r.proxy_password);
    opt("--proxy-auth", r.proxy_auth);
    if (r.heartbeat_ms) opt("--heartbeat-ms", std::to_string(r.heartbeat_ms));
    opt("--transport", r.transport);
    a.push_back("-v");
    a.insert(a.end(), r.options.begin(), r.options.end());
    a.insert(a.end(), args.begin(), args.end());
    return a;
}

namespace {

test_support::ProcessOptions options(const Route& r, const std::vector<std::string>& args,
                                     const std::string& in, const std::string& out) {
    test_support::ProcessOptions o;
    o.argv = tunnel_argv(r, args);
    o.stdin_path = in;
    o.stdout_path = out;
    // The route is explicit: no proxy from our environment may interfere.
    o.unset_env = {"http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy", "no_proxy",
                   "NO_PROXY", "TETHER_PROXY", "TETHER_RELAY", "TETHER_CONFIG"};
    // No tether.conf of the user running the tests (a test may set its own).
    o.env["XDG_CONFIG_HOME"] = "/nonexistent-tether-test";
    return o;
}

}  // namespace

Opened start_open(const Route& r, const std::string& stdin_path, const std::string& stdout_path) {
    Opened o;
    o.proc = std::make_unique<Process>(options(r, {"open"}, stdin_path, stdout_path));
    o.code = o.proc->wait_for_line(Process::Stream::err, "^TETHER_CODE=([0-9]{6,9})$").at(1);
    return o;
}

std::unique_ptr<Process> start_join(const Route& r, const std::string& code,
                                    const std::string& stdin_path, const std::string& stdout_path) {
    return std::make_unique<Process>(options(r, {"join", code}, stdin_path, stdout_path));
}

Outcome run_tunnel(const Route& r, const std::vector<std::string>& args,
                   std::chrono::milliseconds timeout) {
    Process p(options(r, args, "/dev/null", ""));
    int code = p.wait(timeout);
    return {code, p.err() + p.out()};
}

Outcome run_plain(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    Route none;
    auto o = options(none, {}, "/dev/null", "");
    o.argv = {tunnel_binary()};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    for (const auto& [name, value] : env) o.env[name] = value;
    Process p(o);
    int code = p.wait(std::chrono::seconds(30));
    return {code, p.err() + p.out()};
}

std::vector<long> tunnel_durations_ms(const std::string& access_log, int port) {
    // time elapsed client status bytes method url ...
    const std::regex line("^\\S+\\s+([0-9]+) \\S+ TCP_TUNNEL/200 [0-9]+ CONNECT [^ ]+:" +
                          std::to_string(port) + " ");
    std::vector<long> out;
    std::istringstream in(access_log);
    std::string l;
    std::smatch m;
    while (std::getline(in, l))
        if (std::regex_search(l, m, line)) out.push_back(std::stol(m[1]));
    return out;
}

void transfer(const Route& r, const test_support::TempDir& dir, const std::string& desk_in,
              const std::string& client_in, std::chrono::milliseconds timeout) {
    Opened desk = start_open(r, desk_in, dir.file("desk.out"));
    auto client = start_join(r, desk.code, client_in, dir.file("client.out"));
    int client_rc = client->wait(timeout);
    INFO("client stderr:\n" << client->err());
    CHECK(client_rc == 0);
    int desk_rc = desk.proc->wait(timeout);
    INFO("desk stderr:\n" << desk.proc->err());
    CHECK(desk_rc == 0);
}

void Gate::open(int stage) {
    std::lock_guard<std::mutex> lk(mu_);
    stage_ = stage;
    cv_.notify_all();
}

void Gate::wait(int stage) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return stage_ >= stage; });
}

std::thread feed(e2e::Process& p, const std::string& path, std::vector<std::uint64_t> marks, Gate& gate,
                 std::size_t chunk, std::chrono::milliseconds pace) {
    return std::thread([&p, path, marks, &gate, chunk, pace] {
        std::ifstream in(path, std::ios::binary);
        std::string buf(chunk, '\0');
        std::uint64_t sent = 0;
        std::size_t stage = 0;
        try {
            while (in.read(&buf[0], static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
                while (stage < marks.size() && sent >= marks[stage]) gate.wait(static_cast<int>(++stage));
                p.write_stdin(buf.substr(0, static_cast<std::size_t>(in.gcount())));
                sent += static_cast<std::uint64_t>(in.gcount());
                if (pace.count()) std::this_thread::sleep_for(pace);
            }
        } catch (const std::exception&) {
            // the process died: the test's checks say so
        }
        p.close_stdin();
    });
}

}  // namespace e2e
