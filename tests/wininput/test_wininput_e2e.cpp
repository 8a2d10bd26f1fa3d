// e2e.wininput.*: wininput/ (the SendInput injector, RegisterHotKey F11/F12,
// the control bar, the customer's own input) in a real Windows program,
// wininput_probe.exe, under wine on a private Xvfb. The probe prints what
// its window received; the customer's hands are xdotool on the display.
// Under wine, X key events reach wine only while the pointer is over one of
// its windows (there is no window manager): the tests put it there first.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "support/process.h"

namespace {

using namespace std::chrono_literals;
using test_support::Process;
using Stream = test_support::Process::Stream;

// The probe's first line comes after wine starts (~2 s; ~20 s when the
// prefix is made), on a loaded machine much later.
constexpr auto kStart = 90s;

// Xvfb on a display number it picks itself (-displayfd), 800 x 600, no TCP.
class Xvfb {
public:
    Xvfb() {
        test_support::ProcessOptions o;
        o.argv = {"Xvfb", "-displayfd", "1", "-screen", "0", "800x600x24", "-nolisten", "tcp"};
        o.stdin_path = "/dev/null";
        p_ = std::make_unique<Process>(o);
        name_ = ":" + p_->wait_for_line(Stream::out, "^(\\d+)", 30s)[1];
    }
    const std::string& name() const { return name_; }

private:
    std::unique_ptr<Process> p_;  // stopped by its destructor
    std::string name_;
};

std::unique_ptr<Process> probe(const Xvfb& x, const std::string& mode) {
    test_support::ProcessOptions o;
    o.argv = {WINE_RUN, WININPUT_PROBE_EXE, mode};
    o.env["TETHER_WINEPREFIX"] = WINE_PREFIX;
    o.env["DISPLAY"] = x.name();
    o.stdin_path = "/dev/null";
    auto p = std::make_unique<Process>(o);
    p->wait_for_line(Stream::out, "^window ready", kStart);
    return p;
}

std::string unhex(const std::string& h) {
    std::string out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
    return out;
}

// xdotool on the display: the customer's own hands.
void xdo(const Xvfb& x, std::vector<std::string> args) {
    args.insert(args.begin(), {"env", "DISPLAY=" + x.name(), "xdotool"});
    REQUIRE(test_support::run(args, 10s).code == 0);
}

}  // namespace

TEST_CASE("typed text, shifted symbols and characters not on the layout arrive exactly", "[type]") {
    Xvfb x;
    auto p = probe(x, "type");
    auto text = p->wait_for_line(Stream::out, "^text: ([0-9a-f]*)", 60s);
    // é is Latin-1, € and ж are on no US layout (Unicode text), ê is
    // dead_circumflex + e; x then BackSpace; Home then '>'.
    CHECK(unhex(text[1]) == ">Hi, World! @#$%^&*()_+ \xc3\xa9\xe2\x82\xac\xd0\xb6\xc3\xaa");
    CHECK(p->wait(30s) == 0);
}

TEST_CASE("a click lands on the pixel it was sent to", "[click]") {
    Xvfb x;
    auto p = probe(x, "click");
    CHECK(!p->wait_for_line(Stream::out, "^click 350 170\\r?$", 30s).empty());
    CHECK(p->wait(30s) == 0);
}

TEST_CASE("F11 and F12 pressed on the customer's keyboard reach the hotkeys", "[hotkey]") {
    Xvfb x;
    auto p = probe(x, "hotkey");
    p->wait_for_line(Stream::out, "^hotkeys ready", 30s);
    xdo(x, {"mousemove", "300", "200"});  // over the probe's window (see the top)
    xdo(x, {"key", "F11"});
    p->wait_for_line(Stream::out, "^hotkey control", 10s);
    xdo(x, {"key", "F12"});
    p->wait_for_line(Stream::out, "^hotkey files", 10s);
    CHECK(p->wait(30s) == 0);
}

TEST_CASE("the control bar says who controls the screen, and Stop control ends it", "[bar]") {
    Xvfb x;
    auto p = probe(x, "bar");
    auto text = p->wait_for_line(Stream::out, "^bar: (.*?)\\r?$", 30s);
    CHECK(text[1] == "Bob is controlling your computer. Move your mouse or press a key to take control back.");
    CHECK(!p->wait_for_line(Stream::out, "^bar rect 0 0 800 \\d+ topmost", 5s).empty());  // across the top
    p->wait_for_line(Stream::out, "^stop button", 5s);
    p->wait_for_line(Stream::out, "^stopped", 10s);  // a click on the button (SendInput) ran on_stop
    p->wait_for_line(Stream::out, "^bar hidden", 10s);
    CHECK(p->wait(30s) == 0);
}

TEST_CASE("the customer's own mouse is noticed, the supporter's injected input is not", "[local]") {
    Xvfb x;
    auto p = probe(x, "local");
    p->wait_for_line(Stream::out, "^injected ignored", 30s);
    p->wait_for_line(Stream::out, "^watching", 5s);
    xdo(x, {"mousemove", "250", "150"});
    xdo(x, {"mousemove", "260", "170"});
    p->wait_for_line(Stream::out, "^noticed: moved the mouse", 10s);
    CHECK(p->wait(30s) == 0);
}

TEST_CASE("the customer's key press is noticed, F11 is not", "[local]") {
    Xvfb x;
    auto p = probe(x, "local");
    p->wait_for_line(Stream::out, "^watching", 30s);  // the pointer is on the window (wine starts it mid-screen)
    xdo(x, {"key", "F11"});
    std::this_thread::sleep_for(1s);
    CHECK(p->out().find("noticed") == std::string::npos);
    xdo(x, {"key", "x"});
    p->wait_for_line(Stream::out, "^noticed: pressed a key", 10s);
    CHECK(p->wait(30s) == 0);
}
