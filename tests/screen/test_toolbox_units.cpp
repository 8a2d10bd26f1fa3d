// Issue 19 without a display: the clipboard's lines (pieces, order, cap),
// the monitor lines, and MonitorView's picture and pointer arithmetic.
#include <catch2/catch.hpp>

#include "desktop/monitor_view.h"
#include "remote/clipboard.h"
#include "remote/control_channel.h"
#include "remote/monitor_lines.h"

namespace {

remote::Message parsed(const std::string& line) {
    auto m = remote::decode(line);
    REQUIRE(m);
    return *m;
}

std::optional<std::string> assemble(const std::vector<std::string>& lines) {
    remote::ClipboardAssembler a;
    std::optional<std::string> out;
    for (const auto& l : lines) {
        auto r = a.add(parsed(l));
        if (r.text) out = r.text->text;
    }
    return out;
}

}  // namespace

TEST_CASE("clipboard texts cross in pieces and come back exactly") {
    for (std::size_t size : {std::size_t(0), std::size_t(1), remote::kClipboardPiece - 1, remote::kClipboardPiece,
                             remote::kClipboardPiece + 1, std::size_t(512 * 1024), remote::kClipboardCap}) {
        std::string text(size, '\0');
        for (std::size_t i = 0; i < size; ++i) text[i] = static_cast<char>(i * 7 + 3);  // any byte, NUL too
        auto lines = remote::encode_clipboard(remote::Selection::primary, 9, text);
        CHECK(lines.size() == std::max<std::size_t>(1, (size + remote::kClipboardPiece - 1) / remote::kClipboardPiece));
        for (const auto& l : lines) CHECK(l.size() < remote::kMaxControlLine);
        CHECK(assemble(lines) == text);
    }
}

TEST_CASE("clipboard lines out of order, too large or malformed are protocol errors") {
    std::string text(3 * remote::kClipboardPiece, 'x');
    auto lines = remote::encode_clipboard(remote::Selection::clipboard, 1, text);
    CHECK_THROWS_AS(assemble({lines[0], lines[2]}), remote::ProtocolError);  // a piece missing
    CHECK_THROWS_AS(assemble({lines[1]}), remote::ProtocolError);            // no start
    CHECK_THROWS_AS(assemble({R"({"type":"clipboard","sel":"clipboard","id":1,"size":2097152,"offset":0,"data":"","last":false})"}),
                    remote::ProtocolError);
    CHECK_THROWS_AS(assemble({R"({"type":"clipboard","sel":"secondary","id":1,"size":1,"offset":0,"data":"eA==","last":true})"}),
                    remote::ProtocolError);
    CHECK_THROWS_AS(assemble({R"({"type":"clipboard","sel":"clipboard","id":1,"size":1,"offset":0,"data":"!!","last":true})"}),
                    remote::ProtocolError);
    // A new text replaces an unfinished one.
    auto other = remote::encode_clipboard(remote::Selection::clipboard, 2, "new");
    CHECK(assemble({lines[0], other[0]}) == std::string("new"));
}

TEST_CASE("a refused clipboard text and monitor lines") {
    remote::ClipboardAssembler a;
    auto r = a.add(parsed(remote::encode_clipboard_refused(remote::Selection::primary, 2 * 1024 * 1024)));
    REQUIRE(r.refused);
    CHECK(r.refused->sel == remote::Selection::primary);
    CHECK(r.refused->size == 2u * 1024 * 1024);
    CHECK(remote::clipboard_size_words(2 * 1024 * 1024) == "2.0 MiB");
    CHECK(remote::clipboard_size_words(512 * 1024) == "512 KiB");

    remote::MonitorList l{{{"DP-1", 0, 0, 1920, 1080, true}, {"HDMI-1", 1920, 0, 1280, 1024, false}}, 1};
    auto back = remote::decode_monitors(parsed(remote::encode_monitors(l)));
    REQUIRE(back);
    CHECK(back->list == l.list);
    CHECK(back->shown == 1);
    CHECK(remote::decode_monitor_select(parsed(remote::encode_monitor_select(-1))) == -1);
    CHECK_FALSE(remote::decode_monitor_select(parsed(R"({"type":"ping","t":1})")));
    CHECK_THROWS_AS(remote::decode_monitors(parsed(R"({"type":"monitors","list":7})")), remote::ProtocolError);
}

namespace {

struct FakeCapture : desktop::Capture {
    int width() const override { return 8; }
    int height() const override { return 4; }
    bool grab(desktop::Frame& f) override {
        f.width = 8;
        f.height = 4;
        f.pixels.resize(32);
        for (int i = 0; i < 32; ++i) f.pixels[i] = i;
        return true;
    }
    bool pointer_position(int& x, int& y) override {
        x = px;
        y = py;
        return true;
    }
    int px = 6, py = 1;
};
struct FakeMonitors : desktop::MonitorSource {
    std::vector<desktop::Monitor> monitors() override { return {{"L", {0, 0, 4, 4}, true}, {"R", {4, 0, 4, 4}, false}}; }
};
struct FakeInjector : desktop::InputInjector {
    void pointer(int x, int y, int) override {
        lx = x;
        ly = y;
    }
    void key(std::uint32_t, bool) override {}
    int lx = -1, ly = -1;
};

}  // namespace

TEST_CASE("MonitorView shows one monitor's pixels and puts the pointer back on the whole screen") {
    FakeCapture cap;
    FakeMonitors mons;
    FakeInjector inj;
    desktop::MonitorView view(cap, &mons);
    desktop::MonitorInjector input(inj, view);
    desktop::Frame f;
    REQUIRE(view.grab(f));
    CHECK(f.width == 8);
    CHECK_FALSE(view.select(2));
    REQUIRE(view.select(1));
    CHECK(view.width() == 4);
    REQUIRE(view.grab(f));
    CHECK(f.width == 4);
    CHECK(f.height == 4);
    CHECK(f.at(0, 0) == 4);
    CHECK(f.at(3, 2) == 2 * 8 + 7);
    int x, y;
    REQUIRE(view.pointer_position(x, y));
    CHECK((x == 2 && y == 1));
    input.pointer(1, 3, 0);
    CHECK((inj.lx == 5 && inj.ly == 3));
    REQUIRE(view.select(0));
    CHECK_FALSE(view.pointer_position(x, y));  // the pointer is on R, L is shown
    REQUIRE(view.select(desktop::MonitorView::kAll));
    input.pointer(1, 3, 0);
    CHECK((inj.lx == 1 && inj.ly == 3));
}
