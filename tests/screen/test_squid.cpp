// Test 2: the real path. tether-desk and tether-client reach a real
// tether-relay only through squid (names resolve only inside squid), run the
// end-to-end TLS and the Mux, and the desk's first frame still equals the
// customer's display pixel for pixel; consent still works.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "programs.h"
#include "screen/png.h"
#include "support/relay_fixture.h"
#include "support/relay_behind_squid.h"

using namespace screentest;

namespace {

bool exists(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0;
}

}  // namespace

TEST_CASE("desk and client through squid and the relay: exact pixels, same security code, consent") {
    Xvfb x;
    paint(x.name(), make_pattern(800, 600, 4));
    desktop::Frame expected = grab(x.name());
    test_support::RelayBehindSquid net;
    test_support::Squid& squid = net.squid;
    const std::vector<std::string> route = net.route_args();
    std::string dir = temp_dir(), ds = dir + "/desk", cs = dir + "/client", png = dir + "/first.png";

    std::vector<std::string> d = {desk_binary(), "--headless", "--status-file", ds, "--snapshot", png};
    d.insert(d.end(), route.begin(), route.end());
    auto desk = std::make_unique<Process>(d);
    REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }, 20s));
    std::vector<std::string> c = {client_binary(), "--headless", "--display", x.name(), "--code",
                                  read_status(ds)["code"], "--status-file", cs};
    c.insert(c.end(), route.begin(), route.end());
    auto client = std::make_unique<Process>(c);

    REQUIRE(wait_until([&] { return exists(png); }, 20s));
    CHECK(count_diff(screen::read_png(png), expected) == 0);
    std::string sas = read_status(ds)["auth"];
    CHECK(sas.size() >= 6);
    CHECK(read_status(cs)["auth"] == sas);

    REQUIRE(run({"xdotool", "key", "F11"}, {"DISPLAY=" + x.name()}) == 0);
    CHECK(wait_status(ds, "control", "on"));
    CHECK(read_status(cs)["control"] == "on");

    desk.reset();  // ends the session; the client follows
    CHECK(wait_status(cs, "active", "no", 20s));
    client.reset();
    // Squid logs a CONNECT tunnel when it closes: proof that the bytes went through it.
    CHECK(squid.wait_for_log("CONNECT relay.tether.test", 10s));
}
