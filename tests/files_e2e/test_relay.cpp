// File transfer through the real path: tether-desk and tether-client reach
// a real tether-relay only through squid (the relay's name resolves only
// inside squid), with end-to-end TLS and the Mux; files go both ways at once
// on the file channel and arrive intact.
#include <catch2/catch.hpp>

#include "files_fixture.h"
#include "support/relay_fixture.h"
#include "support/sha256.h"
#include "support/relay_behind_squid.h"

using namespace filestest;
using test_support::sha256_file;
using test_support::write_random_file;

TEST_CASE("files both ways through squid and the relay arrive with the same SHA-256") {
    Xvfb x;
    test_support::RelayBehindSquid net;
    test_support::Squid& squid = net.squid;
    const std::vector<std::string> route = net.route_args();
    std::string dir = temp_dir(), ds = dir + "/desk", cs = dir + "/client";
    Scratch src, desk_dir, client_dir;
    std::string desk_in = desk_dir.path(), client_in = client_dir.path();
    std::string to_customer = src / "setup.bin", to_supporter = src / "crash.log";
    write_random_file(to_customer, 4 * MiB + 1, 8);
    write_random_file(to_supporter, 3 * MiB + 5, 9);

    std::vector<std::string> d = {desk_binary(), "--headless", "--status-file", ds, "--download-dir", desk_in,
                                  "--send-file", to_customer};
    d.insert(d.end(), route.begin(), route.end());
    Process desk(d);
    REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }, 30s));
    std::vector<std::string> c = {client_binary(), "--headless", "--display", x.name(), "--code",
                                  read_status(ds)["code"], "--status-file", cs, "--allow-files",
                                  "--download-dir", client_in, "--send-file", to_supporter};
    c.insert(c.end(), route.begin(), route.end());
    Process client(c);

    // Rows by name: which of the two offers each side listed first is a race.
    REQUIRE(wait_named_state(ds, "setup.bin", "done", 120s));
    REQUIRE(wait_named_state(cs, "setup.bin", "done", 120s));
    CHECK(read_status(ds)["auth"] == read_status(cs)["auth"]);  // really the end-to-end TLS session
    // The route proxydetect chose (here the explicit --proxy) is reported.
    CHECK(read_status(ds)["route"].find("through http proxy " + squid.host_port()) != std::string::npos);
    CHECK(read_status(cs)["route"] == read_status(ds)["route"]);
    CHECK(listing(client_in) == std::vector<std::string>{"setup.bin"});
    CHECK(sha256_file(client_in + "/setup.bin") == sha256_file(to_customer));
    REQUIRE(wait_named_state(ds, "crash.log", "done", 120s));
    CHECK(wait_named_state(cs, "crash.log", "done", 120s));
    CHECK(listing(desk_in) == std::vector<std::string>{"crash.log"});
    CHECK(sha256_file(desk_in + "/crash.log") == sha256_file(to_supporter));
}
