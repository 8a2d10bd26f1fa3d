// rfbserver against libvncclient, the desk's viewer library: for each pixel
// format and encoding (one row each), the viewer's framebuffer must equal
// the screen byte for byte after the first frame, after a change, and after
// a resolution change; the rich cursor arrives exactly; input passes the
// consent gate. Plus the message parser, table-driven.
#include <catch2/catch.hpp>

#include <rfb/rfbclient.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "rfbserver/encodings.h"
#include "rfbserver/messages.h"
#include "screen/socket_util.h"
#include "screen/vnc_viewer.h"
#include "session/fd_stream.h"
#include "viewer_harness.h"

using rfbserver::PixelFormat;
using rfbtest::FakeCapture;
using rfbtest::Link;

namespace {

PixelFormat format(int bpp, int depth, bool be, int rmax, int gmax, int bmax, int rs, int gs, int bs) {
    return PixelFormat{bpp, depth, be, true, rmax, gmax, bmax, rs, gs, bs};
}

struct FormatRow {
    const char* name;
    PixelFormat f;
    // libvncclient 0.9.14 decodes ZRLE right only where its own CPIXEL rule
    // agrees with the RFC's: it ignores depth (so depth 32 with the colour
    // in 3 bytes gets 3-byte CPIXELs from it, 4 from the RFC), and for a
    // big-endian format with the colour in the 3 low bytes on a
    // little-endian host it shifts the wrong way (HandleZRLE24Down).
    bool zrle = true;
};

// 32-bit formats cover the CPIXEL cases of ZRLE (3 low bytes, 3 high
// bytes, all 4) in both byte orders.
const FormatRow kFormats[] = {
    {"32 bpp RGB little endian (the server's own)", format(32, 24, false, 255, 255, 255, 16, 8, 0)},
    {"32 bpp BGR little endian", format(32, 24, false, 255, 255, 255, 0, 8, 16)},
    {"32 bpp RGB big endian", format(32, 24, true, 255, 255, 255, 16, 8, 0), false},
    {"32 bpp colour in the high bytes, little endian", format(32, 24, false, 255, 255, 255, 24, 16, 8)},
    {"32 bpp colour in the high bytes, big endian", format(32, 24, true, 255, 255, 255, 24, 16, 8)},
    {"32 bpp depth 32 (4-byte CPIXEL)", format(32, 32, false, 255, 255, 255, 16, 8, 0), false},
    {"32 bpp 10-bit channels (4-byte CPIXEL)", format(32, 30, false, 1023, 1023, 1023, 20, 10, 0)},
    {"16 bpp RGB565 little endian", format(16, 16, false, 31, 63, 31, 11, 5, 0)},
    {"16 bpp RGB555 big endian", format(16, 15, true, 31, 31, 31, 10, 5, 0)},
    {"8 bpp BGR233", format(8, 8, false, 7, 7, 3, 0, 3, 6)},
};

const char* const kEncodings[] = {"raw", "zlib", "zrle"};

desktop::Frame with_change(desktop::Frame f) {
    for (int y = 40; y < 75; ++y)
        for (int x = 70; x < 140; ++x) f.pixels[static_cast<std::size_t>(y) * f.width + x] = 0xa0b0c0 + x + y;
    f.pixels[static_cast<std::size_t>(f.height - 1) * f.width + f.width - 1] = 0x010203;  // the last partial tile
    return f;
}

desktop::PointerShape arrow() {
    desktop::PointerShape s{11, 17, 1, 2, {}};
    for (int y = 0; y < s.height; ++y)
        for (int x = 0; x < s.width; ++x) {
            std::uint32_t alpha = x <= y ? 0xff000000u : (x == y + 1 ? 0x40000000u : 0);
            s.argb.push_back(alpha | static_cast<std::uint32_t>(x * 20) << 16 | static_cast<std::uint32_t>(y * 10));
        }
    return s;
}

}  // namespace

TEST_CASE("every pixel format and encoding: first frame, a change and a resize arrive exactly") {
    for (const FormatRow& row : kFormats)
        for (const char* enc : kEncodings) {
            if (!row.zrle && std::string(enc) == "zrle") continue;
            INFO(row.name << ", " << enc);
            desktop::Frame first = rfbtest::test_picture(203, 131, 1);  // partial 64x64 tiles on both edges
            FakeCapture cap(first);
            Link link(cap, row.f, enc);
            REQUIRE(link.client());
            CHECK(link.pump_until([&] { return link.shows(first); }));

            desktop::Frame changed = with_change(first);
            std::uint64_t before = link.bytes_received();
            cap.set_frame(changed);
            CHECK(link.pump_until([&] { return link.shows(changed); }));
            // Only the changed area travels: far less than a whole frame.
            CHECK(link.bytes_received() - before < 203u * 131u * static_cast<unsigned>(row.f.bits_per_pixel / 8) / 2);

            desktop::Frame resized = rfbtest::test_picture(150, 97, 2);
            cap.set_frame(resized);
            CHECK(link.pump_until([&] { return link.shows(resized); }));
        }
}

namespace {
// What libvncclient reported about the pointer (its callbacks are plain
// function pointers: the state hangs on the client by a tag).
struct PointerSeen {
    bool shape = false;
    int xhot = -1, yhot = -1, width = 0, height = 0;
    int x = -1, y = -1;
};
int kSeenTag;
PointerSeen& seen(rfbClient* c) { return *static_cast<PointerSeen*>(rfbClientGetClientData(c, &kSeenTag)); }
void watch_pointer(rfbClient* c, PointerSeen& s) {
    rfbClientSetClientData(c, &kSeenTag, &s);
    c->GotCursorShape = [](rfbClient* c, int xhot, int yhot, int w, int h, int) {
        seen(c) = PointerSeen{true, xhot, yhot, w, h, seen(c).x, seen(c).y};
    };
    c->HandleCursorPos = [](rfbClient* c, int x, int y) -> rfbBool {
        seen(c).x = x;
        seen(c).y = y;
        return TRUE;
    };
}
}  // namespace

TEST_CASE("the rich cursor arrives exactly, with its hot spot, a mask from the alpha, and the position") {
    for (const FormatRow& row : kFormats) {
        INFO(row.name);
        FakeCapture cap(rfbtest::test_picture(100, 80, 3));
        Link link(cap, row.f, "raw");
        REQUIRE(link.client());
        rfbClient* c = link.client();
        PointerSeen s;
        watch_pointer(c, s);
        desktop::PointerShape shape = arrow();
        cap.set_pointer(shape, 33, 44);
        REQUIRE(link.pump_until([&] { return s.shape && s.x == 33 && s.y == 44; }));
        CHECK((s.xhot == 1 && s.yhot == 2 && s.width == 11 && s.height == 17));
        const auto* px = reinterpret_cast<const std::uint8_t*>(c->rcSource);
        const auto* mask = reinterpret_cast<const std::uint8_t*>(c->rcMask);
        std::size_t step = static_cast<std::size_t>(row.f.bits_per_pixel / 8), wrong = 0;
        for (std::size_t i = 0; i < shape.argb.size(); ++i) {
            std::uint32_t argb = shape.argb[i];
            if (rfbtest::colour_value(px + i * step, row.f) != rfbtest::expected_value(argb & 0xffffff, row.f)) ++wrong;
            if ((mask[i] != 0) != ((argb >> 24) >= 128)) ++wrong;
        }
        CHECK(wrong == 0);
    }
}

TEST_CASE("input reaches the injector only through the consent gate; F11/F12 never") {
    FakeCapture cap(rfbtest::test_picture(64, 64, 4));
    Link link(cap, rfbserver::frame_format(), "zrle");
    REQUIRE(link.client());
    rfbClient* c = link.client();
    int round = 10;
    auto settle = [&] {  // a round trip: the server has read what came before
        desktop::Frame f = rfbtest::test_picture(64, 64, ++round);
        cap.set_frame(f);
        return link.pump_until([&] { return link.shows(f); });
    };
    SendPointerEvent(c, 10, 20, 1);
    SendKeyEvent(c, 'a', TRUE);
    REQUIRE(settle());
    CHECK(link.injector().events().empty());
    link.consent().toggle_control();
    SendKeyEvent(c, 0xffc8, TRUE);  // F11
    SendKeyEvent(c, 0xffc9, TRUE);  // F12
    SendPointerEvent(c, 30, 40, 4);
    SendKeyEvent(c, 'b', TRUE);
    SendKeyEvent(c, 'b', FALSE);
    REQUIRE(settle());
    CHECK(link.injector().events() == std::vector<std::string>{"p30,40,4", "k+98", "k-98"});
}

TEST_CASE("client messages: complete, incomplete and refused, one row each") {
    struct Row {
        std::vector<std::uint8_t> bytes;
        std::size_t used;  // 0: needs more
        bool throws;
    };
    const Row rows[] = {
        {{3, 1, 0, 0, 0, 0, 0, 100, 0, 50}, 10, false},          // FramebufferUpdateRequest
        {{3, 1, 0, 0, 0, 0, 0, 100, 0}, 0, false},               // one byte short
        {{4, 1, 0, 0, 0, 0, 0xff, 0xc8}, 8, false},              // KeyEvent
        {{5, 1, 0, 10}, 0, false},                               // PointerEvent, short
        {{2, 0, 0, 2, 0, 0, 0, 16, 0xff, 0xff, 0xff, 0x11}, 12, false},  // SetEncodings: ZRLE, Cursor
        {{2, 0, 0, 2, 0, 0, 0, 16}, 0, false},                   // SetEncodings cut short
        {{6, 0, 0, 0, 0, 0, 0, 2, 'h', 'i'}, 10, false},         // ClientCutText
        {{6, 0, 0, 0, 0x10, 0, 0, 0}, 0, true},                  // 256 MiB of clipboard: refused
        {{9, 0, 0, 0}, 0, true},                                 // unknown type
        {{}, 0, false},
    };
    for (const Row& r : rows) {
        rfbserver::ClientMessage m;
        INFO("first byte " << (r.bytes.empty() ? -1 : r.bytes[0]) << ", " << r.bytes.size() << " bytes");
        if (r.throws) {
            CHECK_THROWS_AS(rfbserver::parse_client_message(r.bytes.data(), r.bytes.size(), m), rfbserver::ProtocolError);
            continue;
        }
        CHECK(rfbserver::parse_client_message(r.bytes.data(), r.bytes.size(), m) == r.used);
    }
    rfbserver::ClientMessage m;
    const std::uint8_t enc[] = {2, 0, 0, 3, 0, 0, 0, 6, 0, 0, 0, 16, 0xff, 0xff, 0xff, 0x03};  // Zlib, ZRLE, level 3
    REQUIRE(rfbserver::parse_client_message(enc, sizeof enc, m) == sizeof enc);
    rfbserver::ViewerSettings v = rfbserver::settings_from(m.encodings, rfbserver::frame_format());
    CHECK(v.encoding == rfbserver::kZlib);  // the viewer's first choice among those we have
    CHECK(v.zlib_level == 3);
    CHECK_FALSE(v.rich_cursor);
}

// The desk's screen::Viewer, read with snapshot() from another thread while
// it connects (what bench_winscreen's DeskPicture and the tests' pixel
// checks do): every snapshot is whole, its pixels matching its size.
// Failed before (bench_winscreen's SIGSEGV in Frame::at): libvncclient
// allocates the first framebuffer inside rfbInitClient, outside the lock
// snapshot() takes, so a snapshot could hold the new size and no pixels.
TEST_CASE("screen::Viewer: snapshots taken while it connects are whole") {
    int torn = 0;
    for (int round = 0; round < 10; ++round) {
        FakeCapture cap(rfbtest::test_picture(1920, 1080, round));  // a large buffer: a wide window for the race
        remote::Consent consent;
        rfbtest::RecordingInjector inj;
        desktop::InputGate gate(inj, consent);
        rfbserver::Server server(cap, gate);
        auto [viewer_fd, server_fd] = screen::make_socketpair();
        auto server_end = session::make_fd_stream(server_fd);
        auto viewer_end = session::make_fd_stream(viewer_fd);
        std::atomic<std::uint64_t> frames{0};
        screen::ViewerCallbacks cb;
        cb.on_frame = [&](std::uint64_t n, const desktop::Frame&) { frames = n; };
        screen::Viewer viewer({}, cb);
        std::thread serving([&] { server.serve(*server_end); });
        std::thread viewing([&] { viewer.run(*viewer_end); });
        auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (frames == 0 && std::chrono::steady_clock::now() < end) {
            desktop::Frame f = viewer.snapshot();
            if (f.pixels.size() != static_cast<std::size_t>(f.width) * f.height) ++torn;
        }
        CHECK(frames > 0);
        viewer.stop();
        server.stop();
        viewing.join();
        serving.join();
    }
    CHECK(torn == 0);
}
