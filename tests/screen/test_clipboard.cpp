// Issue 19 item 2: the clipboard shared while remote control is on. Two
// private Xvfbs, the customer's and the supporter's; a ClientSession and a
// DeskSession in this process over stream pairs (the desk joining at once
// and 2 s late), each with the X11 clipboard of its own display. What
// crossed is read back with xclip on the other display, byte for byte.
// With both programs' windows (after F11 only, 512 KiB by SHA-256, the 2 MiB
// refusal): screen.toolbox_clipboard_windows (test_toolbox_windows.cpp).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "harness.h"
#include "pair.h"

using namespace screentest;

namespace {

// The selection's text on `display` as xclip reads it (an ordinary X
// client: TARGETS, UTF8_STRING, INCR); nullopt when nobody owns it.
std::optional<std::string> xclip_out(const std::string& display, const char* sel) {
    std::string file = temp_dir() + "/out";
    int rc = run({"sh", "-c", std::string("xclip -o -selection ") + sel + " -target UTF8_STRING > " + file},
                 {"DISPLAY=" + display});
    if (rc != 0) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A program on `display` owning `sel` with `text` (xclip in the foreground).
std::unique_ptr<Process> xclip_in(const std::string& display, const char* sel, const std::string& text) {
    std::string file = temp_dir() + "/in";
    std::ofstream(file, std::ios::binary) << text;
    auto p = std::make_unique<Process>(std::vector<std::string>{"xclip", "-quiet", "-selection", sel, "-i", file},
                                       std::vector<std::string>{"DISPLAY=" + display});
    REQUIRE(wait_until([&] { return xclip_out(display, sel) == text; }));
    return p;
}

// The customer's and the desk's sessions, each with its display's clipboard.
struct ClipPair {
    Xvfb cust, desk;
    std::unique_ptr<desktop::Capture> capture = x11desktop::make_x11_capture(cust.name());
    x11desktop::X11Input input = x11desktop::make_x11_input(cust.name());
    std::unique_ptr<desktop::Hotkeys> hotkeys = x11desktop::make_x11_hotkeys(cust.name());
    std::unique_ptr<desktop::Clipboard> cust_clip = x11desktop::make_x11_clipboard(cust.name());
    std::unique_ptr<desktop::Clipboard> desk_clip = x11desktop::make_x11_clipboard(desk.name());
    StreamChannels ch;
    std::mutex mu;
    std::string cust_status, desk_notice;
    std::unique_ptr<screen::ClientSession> client;
    std::unique_ptr<screen::DeskSession> desk_session;
    std::thread ct, dt;

    explicit ClipPair(std::chrono::milliseconds desk_delay) {
        screen::ClientEvents ev;
        ev.on_status = [this](const std::string& s) {
            std::lock_guard<std::mutex> lk(mu);
            cust_status = s;
        };
        client = std::make_unique<screen::ClientSession>(
            screen::CustomerSide{*capture, *input.injector, *hotkeys, nullptr, nullptr, cust_clip.get()}, "Customer",
            remote::ConsentState{}, ev);
        screen::DeskEvents dev;
        dev.on_clipboard_notice = [this](const std::string& s) {
            std::lock_guard<std::mutex> lk(mu);
            desk_notice = s;
        };
        desk_session = std::make_unique<screen::DeskSession>("Supporter", screen::ViewerOptions{},
                                                             screen::ViewerCallbacks{}, dev);
        desk_session->set_clipboard(desk_clip.get());
        ct = std::thread([this] { client->run(ch.client()); });
        dt = std::thread([this, desk_delay] {
            std::this_thread::sleep_for(desk_delay);
            desk_session->run(ch.desk());
        });
        REQUIRE(wait_until([&] { return desk_session->viewer().frames() >= 1; }, 20s));
    }
    ~ClipPair() {
        desk_session->stop();
        client->stop();
        ct.join();
        dt.join();
    }
    void f11(bool on) {
        REQUIRE(run({"xdotool", "key", "F11"}, {"DISPLAY=" + cust.name()}) == 0);
        REQUIRE(wait_until([&] { return desk_session->consent().control == on; }));
    }
    std::string status() {
        std::lock_guard<std::mutex> lk(mu);
        return cust_status;
    }
    std::string notice() {
        std::lock_guard<std::mutex> lk(mu);
        return desk_notice;
    }
};

}  // namespace

TEST_CASE("the clipboard crosses only while control is on, both ways, CLIPBOARD and PRIMARY", "[clipboard]") {
    auto delay = GENERATE(0ms, 2000ms);  // the desk at once, and arriving late
    ClipPair p(delay);
    const std::string text = "Grüße aus Köln, 5 € — ✓";
    auto owner = xclip_in(p.cust.name(), "clipboard", text);
    std::this_thread::sleep_for(1500ms);
    CHECK_FALSE(xclip_out(p.desk.name(), "clipboard"));  // view only: nothing crossed

    p.f11(true);  // what the customer holds goes over when control is granted
    CHECK(wait_until([&] { return xclip_out(p.desk.name(), "clipboard") == text; }));

    auto primary = xclip_in(p.cust.name(), "primary", "selected with the mouse");
    CHECK(wait_until([&] { return xclip_out(p.desk.name(), "primary") == std::string("selected with the mouse"); }));

    const std::string from_desk = "sudo systemctl restart cups\n";
    auto desk_owner = xclip_in(p.desk.name(), "clipboard", from_desk);
    CHECK(wait_until([&] { return xclip_out(p.cust.name(), "clipboard") == from_desk; }));

    p.f11(false);  // control off: the supporter's text is no longer offered
    CHECK(wait_until([&] { return !xclip_out(p.cust.name(), "clipboard"); }));
    auto later = xclip_in(p.cust.name(), "clipboard", "copied after control ended");
    std::this_thread::sleep_for(1500ms);
    CHECK(xclip_out(p.desk.name(), "clipboard") == from_desk);  // the desk's own copy, unchanged
}
