// The programs end to end (processes, direct test link): test 1 through
// --snapshot, test 5 through --vnc-listen and vncsnapshot, the code check,
// --allow-control, and a clean end on both sides.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "jpeg_read.h"
#include "programs.h"
#include "screen/png.h"

using namespace screentest;

namespace {

bool exists(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0;
}

// JPEG is lossy even at quality 100: compare away from edges, with tolerance.
long count_far(const desktop::Frame& a, const desktop::Frame& b, int tolerance) {
    long n = 0;
    for (std::size_t i = 0; i < a.pixels.size(); ++i)
        for (int shift : {0, 8, 16}) {
            int d = static_cast<int>((a.pixels[i] >> shift) & 0xff) - static_cast<int>((b.pixels[i] >> shift) & 0xff);
            if (d > tolerance || d < -tolerance) {
                ++n;
                break;
            }
        }
    return n;
}

}  // namespace

TEST_CASE("tether-desk --snapshot equals the customer's display pixel for pixel") {
    Xvfb x;
    paint(x.name(), make_pattern(800, 600, 1));
    desktop::Frame expected = grab(x.name());
    HeadlessPair p(x.name());
    REQUIRE(wait_until([&] { return exists(p.snapshot); }));
    desktop::Frame got = screen::read_png(p.snapshot);
    CHECK(count_diff(got, expected) == 0);
    CHECK(wait_status(p.desk_status, "peer", "Customer"));
    CHECK(wait_status(p.client_status, "peer", "Supporter"));
    CHECK(read_status(p.client_status)["control"] == "off");
    CHECK(read_status(p.desk_status)["control"] == "off");
}

TEST_CASE("a third-party VNC client (vncsnapshot) gets the customer's screen via --vnc-listen") {
    Xvfb x;
    paint(x.name(), make_pattern(800, 600, 2));
    desktop::Frame expected = grab(x.name());
    int vnc_port = free_port();
    HeadlessPair p(x.name(), {"--vnc-listen", "127.0.0.1:" + std::to_string(vnc_port)});
    REQUIRE(wait_until([&] { return exists(p.snapshot); }));
    std::string jpg = p.dir + "/vncsnapshot.jpg";
    REQUIRE(run({"vncsnapshot", "-quiet", "-quality", "100", "127.0.0.1::" + std::to_string(vnc_port), jpg}) == 0);
    desktop::Frame got = read_jpeg(jpg);
    REQUIRE(got.width == 800);
    REQUIRE(got.height == 600);
    // Quality 100 JPEG: nearly every pixel within a few levels; the pattern's
    // sharp rectangle edges may ring a little more.
    CHECK(count_far(got, expected, 24) < 800 * 600 / 100);
}

TEST_CASE("--allow-control starts with control on; ending the desk ends the client") {
    Xvfb x;
    HeadlessPair p(x.name(), {}, {"--allow-control"});
    REQUIRE(wait_status(p.desk_status, "control", "on"));
    CHECK(read_status(p.client_status)["control"] == "on");
    p.desk.reset();  // SIGTERM: the desk says bye and exits
    CHECK(wait_status(p.client_status, "active", "no"));
    CHECK(read_status(p.client_status)["control"] == "off");
    CHECK(p.client->wait() == 0);
}

TEST_CASE("a wrong code is refused") {
    Xvfb x;
    std::string dir = temp_dir();
    int port = free_port();
    std::string addr = "127.0.0.1:" + std::to_string(port);
    Process desk({desk_binary(), "--headless", "--direct-listen", addr, "--status-file", dir + "/d"});
    REQUIRE(wait_until([&] { return read_status(dir + "/d")["code"].size() == 6; }));
    std::string wrong = read_status(dir + "/d")["code"] == "123456" ? "654321" : "123456";
    Process client({client_binary(), "--headless", "--display", x.name(), "--code", wrong,
                    "--direct-connect", addr, "--status-file", dir + "/c"});
    CHECK(client.wait() == 1);  // no session took place: a runtime failure a script must see (2: usage only)
    std::string status = read_status(dir + "/c")["status"];
    CHECK(status.find("Could not connect: ") == 0);  // not "Session ended": none started
    CHECK(status.find("not the one") != std::string::npos);
    CHECK(read_status(dir + "/d")["phase"] == "waiting");
}
