// Starts tether-desk and tether-client as processes connected by the direct
// test link, and reads their --status-file.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"

namespace screentest {

// Paths of the built programs (set by CMake).
inline std::string desk_binary() { return TETHER_DESK_BINARY; }
inline std::string client_binary() { return TETHER_CLIENT_BINARY; }

// "key: value" lines of a status file; empty map if it does not exist yet.
std::map<std::string, std::string> read_status(const std::string& path);
// Waits until read_status(path)[key] == value.
bool wait_status(const std::string& path, const std::string& key, const std::string& value,
                 std::chrono::milliseconds limit = 10s);

// A headless desk and a headless client serving `client_display`.
struct HeadlessPair {
    HeadlessPair(const std::string& client_display, const std::vector<std::string>& desk_extra = {},
                 const std::vector<std::string>& client_extra = {});
    std::string dir;  // temp dir holding status files and the snapshot
    std::string desk_status, client_status, snapshot;
    int port = 0;
    std::unique_ptr<Process> desk, client;
};

// A point inside a window, relative to its top-left corner.
struct Spot {
    int x, y;
};
// Widget positions in the two windows (desk/desk_window.cpp,
// client/client_window.cpp) that more than one test clicks or reads.
constexpr Spot kClientCode{210, 37}, kDeskScale{775, 24}, kDeskMonitor{815, 88};
constexpr int kDeskBar = 110;  // px: the desk's top bar; the customer's picture starts below it

// A top-level window of one of the programs, found by its title; clicks
// and pixels relative to it.
struct Win {
    std::string display, title;
    int x = 0, y = 0;
    void locate();
    void click(Spot s) const;
    // Clicks until `taken` holds: under load a click can land before the
    // window has drawn (and enabled) the widget it aims at.
    bool click_until(Spot s, const std::function<bool()>& taken) const;
    std::uint32_t pixel(Spot s) const;
    bool pixel_is(Spot s, std::uint32_t rgb) const;
    // xdotool types `text` (30 ms a key) into the focused widget, then Return.
    void type(const std::string& text) const;
};

// Saves `display`'s root window as artefacts/NAME.png.
void screenshot(const std::string& display, const std::string& name);

// The desk window (--start, direct test link) on the supporter's display
// and, `customer_delay` after its code appeared, the customer's window on
// hers: she types the code into her window and presses Return. Returns
// once both status files say connected and the desk has a frame.
struct WindowPair {
    WindowPair(const std::string& customer_display, const std::string& supporter_display,
               std::chrono::milliseconds customer_delay = std::chrono::milliseconds(0),
               const std::vector<std::string>& desk_extra = {});
    std::string dir, desk_status, client_status;
    std::unique_ptr<Process> desk, client;
    Win dw, cw;  // the desk's and the customer's windows
    std::map<std::string, std::string> desk_kv() const { return read_status(desk_status); }
    std::map<std::string, std::string> client_kv() const { return read_status(client_status); }
    // xdotool F11 on the customer's display; returns once both sides say control is on.
    void grant_control();
};

}  // namespace screentest
