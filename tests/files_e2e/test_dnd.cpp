// Drag and drop onto the desk window starts a transfer: the desk runs with
// its window on one Xvfb, the customer (headless, F12 on) serves another;
// xdnd_drop plays a file manager dropping a file (text/uri-list) onto the
// customer's screen area; the file arrives at the customer intact.
#include <catch2/catch.hpp>

#include "files_fixture.h"
#include "support/sha256.h"

using namespace filestest;
using test_support::sha256_file;
using test_support::write_random_file;

TEST_CASE("a file dropped onto the desk window arrives at the customer with the same SHA-256") {
    Xvfb customer(800, 600), supporter(1100, 860);
    std::string dir = temp_dir(), ds = dir + "/desk.status", cs = dir + "/client.status";
    std::string in = temp_dir(), src = temp_dir();
    std::string file = src + "/dropped 100% file.bin";  // space and % travel %-encoded in the URI
    write_random_file(file, 2 * MiB + 99, 7);
    std::string addr = "127.0.0.1:" + std::to_string(free_port());

    Process desk({desk_binary(), "--start", "--direct-listen", addr, "--status-file", ds, "--download-dir", temp_dir()},
                 {"DISPLAY=" + supporter.name()});
    REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }));
    Process client({client_binary(), "--headless", "--display", customer.name(), "--code", read_status(ds)["code"],
                    "--direct-connect", addr, "--status-file", cs, "--allow-files", "--download-dir", in});
    REQUIRE(wait_status(ds, "phase", "connected"));
    REQUIRE(wait_status(ds, "files", "on"));
    int x = 0, y = 0;
    REQUIRE(wait_until([&] { return find_window(supporter.name(), "Tether desk", x, y); }));

    // Default drop point: the window's centre, inside the customer's screen area.
    REQUIRE(run({XDND_DROP_BINARY, "--title", "Tether desk", file}, {"DISPLAY=" + supporter.name()}) == 0);

    REQUIRE(wait_state(ds, 1, "done"));
    CHECK(field(ds, 1, "name") == "dropped 100% file.bin");
    CHECK(wait_state(cs, 1, "done"));
    CHECK(listing(in) == std::vector<std::string>{"dropped 100% file.bin"});
    CHECK(sha256_file(in + "/dropped 100% file.bin") == sha256_file(file));
}
