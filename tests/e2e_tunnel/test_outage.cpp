// The relay goes away for longer than the outage limit while stdin is still
// flowing: tether-tunnel join must end with the outage message and exit 1,
// not crash (issue 17: its stdin thread was detached and then wrote into the
// stack frame of a function that had returned).
#include <catch2/catch.hpp>

#include <csignal>
#include <sstream>

#include "tunnel_fixture.h"

using namespace std::chrono_literals;

namespace {

// An open/join pair on a relay of its own; join's stdin never ends and
// always has bytes, so its stdin thread is busy writing into the session
// when the relay goes away with `sig`. Returns join's exit code and stderr.
e2e::Outcome join_when_relay_goes(int sig, const std::string& proxy_conf, int& relay_port) {
    test_support::Relay relay;
    relay_port = relay.port();
    e2e::Route r;
    r.relay_url = relay.url();
    r.ca_file = relay.ca_file();
    r.options = {"--proxy-conf", proxy_conf, "--outage-limit-ms", "2000"};
    e2e::Opened desk = e2e::start_open(r, "", "/dev/null");
    auto client = e2e::start_join(r, desk.code, "/dev/zero", "/dev/null");
    client->wait_for_line(e2e::Process::Stream::err, "^TETHER_AUTH=", 30s);
    relay.process().signal(sig);
    int rc = client->wait(30s);
    return {rc, client->err()};
}

// Every stderr line is a whole message of its own: a line that starts with
// none of tether-tunnel's prefixes is two messages interleaved (their
// threads once wrote them piecewise).
void check_whole_lines(const std::string& err) {
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) {
        INFO("stderr line: " << line);
        bool known = false;
        for (const char* prefix : {"tether-tunnel: ", "security code: ", "TETHER_AUTH=", "TETHER_CODE=", "code: "})
            known = known || line.rfind(prefix, 0) == 0;
        CHECK(known);
        CHECK(line.find("tether-tunnel: ", 1) == std::string::npos);
    }
}

}  // namespace

TEST_CASE("join outlives its relay by the outage limit and exits 1 with the reason", "[outage]") {
    test_support::TempDir dir;
    // DIRECT to the relay: no proxy that could answer for the dead relay.
    std::string conf = dir.write("proxy.conf", "no_proxy = *\nwpad = no\n");
    const int runs = 3;  // the crash was a race: 4 of 7 runs
    for (int i = 0; i < runs; ++i) {
        int port = 0;
        // Gone without a word (a crash, a cut cable): the outage limit ends it.
        auto killed = join_when_relay_goes(SIGKILL, conf, port);
        INFO("run " << i << ", join stderr:\n" << killed.err);
        CHECK(killed.code == 1);
        check_whole_lines(killed.err);
        CHECK(killed.err.find("\ntether-tunnel: could not reach the relay for more than 2 s; check the network or "
                              "proxy (last error: cannot reach the relay 127.0.0.1:" + std::to_string(port) +
                              " (Failed to connect to 127.0.0.1 port " + std::to_string(port)) != std::string::npos);
        // Shut down: the relay ends the session.
        auto stopped = join_when_relay_goes(SIGTERM, conf, port);
        INFO("run " << i << ", join stderr:\n" << stopped.err);
        CHECK(stopped.code == 1);
        check_whole_lines(stopped.err);
        CHECK(stopped.err.find("\ntether-tunnel: the relay ended the session: the relay is shutting down; start "
                               "a new session\n") != std::string::npos);
    }
}
