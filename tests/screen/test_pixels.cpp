// Test 1: known content on the customer's display reaches the desk pixel
// for pixel, and so do later changes. In-process pair over stream pairs.
#include <catch2/catch.hpp>

#include <algorithm>

#include "harness.h"
#include "pair.h"
#include "screen/png.h"

using namespace screentest;

TEST_CASE("the desk's first frame equals the customer's display, then follows changes") {
    Xvfb x;
    paint(x.name(), make_pattern(800, 600));
    desktop::Frame expected = grab(x.name());
    StreamChannels ch;
    Pair pair(x.name(), ch.client(), ch.desk());
    REQUIRE(wait_until([&] { return pair.viewer().frames() >= 1; }));
    desktop::Frame first = pair.viewer().snapshot();
    screen::write_png(artefact_dir() + "/pixels-first-frame.png", first);
    REQUIRE(first.width == 800);
    REQUIRE(first.height == 600);
    CHECK(count_diff(first, expected) == 0);

    // A change in the middle of the screen (not tile-aligned) reaches the desk.
    paint(x.name(), make_pattern(133, 77, 3), 301, 257);
    desktop::Frame changed = grab(x.name());
    REQUIRE(count_diff(changed, expected) > 0);
    CHECK(wait_until([&] { return count_diff(pair.viewer().snapshot(), changed) == 0; }));
}

TEST_CASE("with JPEG chosen the desk still gets a recognisable picture") {
    Xvfb x;
    paint(x.name(), make_pattern(800, 600));
    desktop::Frame expected = grab(x.name());
    StreamChannels ch;
    screen::ViewerOptions opts;
    opts.jpeg_quality = 5;
    Pair pair(x.name(), ch.client(), ch.desk(), opts);
    REQUIRE(wait_until([&] { return pair.viewer().frames() >= 1; }));
    desktop::Frame got = pair.viewer().snapshot();
    REQUIRE(got.width == 800);
    // Lossy but recognisable: the middle of a solid green rectangle stays green.
    std::uint32_t p = got.at(40, 90);
    CHECK(((p >> 8) & 0xff) > 180);
    CHECK(((p >> 16) & 0xff) < 80);
}

TEST_CASE("the customer's pointer reaches the desk as shape and position, never painted in") {
    Xvfb x;
    paint(x.name(), make_pattern(800, 600, 6));
    desktop::Frame expected = grab(x.name());
    REQUIRE(run({"xdotool", "mousemove", "123", "77"}, {"DISPLAY=" + x.name()}) == 0);
    StreamChannels ch;
    Pair pair(x.name(), ch.client(), ch.desk());
    REQUIRE(wait_until([&] { return pair.viewer().frames() >= 1; }));
    CHECK(wait_until([&] {
        auto c = pair.viewer().cursor();
        return c.shape.width > 0 && c.x == 123 && c.y == 77;
    }));
    auto shape = pair.viewer().cursor().shape;
    CHECK(std::count_if(shape.argb.begin(), shape.argb.end(), [](std::uint32_t p) { return p >> 24; }) > 0);
    REQUIRE(run({"xdotool", "mousemove", "456", "321"}, {"DISPLAY=" + x.name()}) == 0);
    CHECK(wait_until([&] { return pair.viewer().cursor().x == 456 && pair.viewer().cursor().y == 321; }));
    CHECK(count_diff(pair.viewer().snapshot(), expected) == 0);
}
