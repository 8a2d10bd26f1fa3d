// The customer joins when people do: minutes after the code was read out on
// the phone (issue 20). The desk side must wait as long as the code lives,
// not die when the end-to-end handshake's 30 s deadline passes; an unused
// code expires with a message that says so.
#include <catch2/catch.hpp>

#include <thread>

#include "tunnel_fixture.h"

using namespace std::chrono_literals;

namespace {

// Past the end-to-end handshake deadline (secure::kSecureHandshakeTimeout,
// 30 s), with margin for a loaded machine.
constexpr auto kLateBy = 45s;

std::string auth_line(e2e::Process& p) {
    return p.wait_for_line(e2e::Process::Stream::err, "^TETHER_AUTH=(.+)$", 30s).at(1);
}

// A line each way, then both ends close and exit 0 with the other's line.
void one_line_each_way(e2e::Process& desk, e2e::Process& client, const test_support::TempDir& dir) {
    desk.write_stdin("from the supporter\n");
    client.write_stdin("from the customer\n");
    desk.close_stdin();
    client.close_stdin();
    int client_rc = client.wait(40s), desk_rc = desk.wait(40s);
    INFO("client stderr:\n" << client.err());
    CHECK(client_rc == 0);
    CHECK(desk_rc == 0);
    CHECK(test_support::read_file(dir.file("client.out")) == "from the supporter\n");
    CHECK(test_support::read_file(dir.file("desk.out")) == "from the customer\n");
}

}  // namespace

TEST_CASE("the customer joins 45 s after the code appeared: same security code, bytes both ways",
          "[late_join]") {
    test_support::Squid squid;
    test_support::Relay relay;
    test_support::TempDir dir;
    e2e::Route route = e2e::via(squid, relay);
    e2e::Opened desk = e2e::start_open(route, "", dir.file("desk.out"));

    std::this_thread::sleep_for(kLateBy);
    INFO("desk stderr:\n" << desk.proc->err());
    REQUIRE_FALSE(desk.proc->exit_code().has_value());  // still waiting
    CHECK(desk.proc->err().find("did not finish") == std::string::npos);

    auto client = e2e::start_join(route, desk.code, "", dir.file("client.out"));
    std::string desk_auth = auth_line(*desk.proc), client_auth = auth_line(*client);
    CHECK(desk_auth.size() == 7);  // "123 456"
    CHECK(desk_auth == client_auth);

    one_line_each_way(*desk.proc, *client, dir);
}

TEST_CASE("an unused code expires: open says so and exits 4; the code is dead", "[code_expiry]") {
    test_support::Relay relay({{"--code-ttl", "6"}});
    e2e::Route route{relay.url(), relay.ca_file()};
    test_support::TempDir dir;
    e2e::Opened desk = e2e::start_open(route, "", dir.file("desk.out"));
    CHECK(desk.proc->err().find("valid for 6 seconds") != std::string::npos);

    int rc = desk.proc->wait(40s);
    std::string err = desk.proc->err();
    INFO("desk stderr:\n" << err);
    CHECK(rc == 4);
    CHECK(err.find("the code " + desk.code + " expired before anyone joined") != std::string::npos);
    CHECK(err.find("did not finish") == std::string::npos);

    e2e::Outcome join = e2e::run_tunnel(route, {"join", desk.code});
    INFO("join output:\n" << join.err);
    CHECK(join.code == 3);
    CHECK(join.err.find("expired") != std::string::npos);
}

// docs/SECURITY.md "Code guessing": codes made while the relay's join guard
// is up have 9 digits (--join-alarm 0 keeps it up). The desk prints the long
// code, and the customer, arriving late, joins with it.
TEST_CASE("while the relay's join guard is up the code has 9 digits and works, joined late", "[long_code]") {
    test_support::Relay relay({{"--join-alarm", "0"}});
    e2e::Route route{relay.url(), relay.ca_file()};
    test_support::TempDir dir;
    e2e::Opened desk = e2e::start_open(route, "", dir.file("desk.out"));
    CHECK(desk.code.size() == 9);
    CHECK(desk.proc->err().find("code: " + desk.code) != std::string::npos);

    std::this_thread::sleep_for(3s);
    auto client = e2e::start_join(route, desk.code, "", dir.file("client.out"));
    CHECK(auth_line(*desk.proc) == auth_line(*client));
    one_line_each_way(*desk.proc, *client, dir);
}
