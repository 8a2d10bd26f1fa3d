// X11 implementations of the platform seams. `display` is an X display name
// (":1"); empty means $DISPLAY. Each object opens its own connection, so
// they are independent of each other and of the GUI toolkit's connection.
// All throw std::runtime_error when the display cannot be opened.
#pragma once

#include <memory>
#include <string>

#include "desktop/clipboard.h"
#include "desktop/customer_presence.h"
#include "desktop/monitor_view.h"
#include "desktop/platform.h"

namespace x11desktop {

// XShm when available (falls back to XGetImage), root window, 24/32-bit TrueColor.
std::unique_ptr<desktop::Capture> make_x11_capture(const std::string& display);
// XTest.
std::unique_ptr<desktop::InputInjector> make_x11_injector(const std::string& display);
// XGrabKey F11/F12 on the root window, with NumLock/CapsLock variants.
std::unique_ptr<desktop::Hotkeys> make_x11_hotkeys(const std::string& display);

// An XTest injector and a watcher of the customer's own input (XInput2 raw
// events) that knows what that injector sent, so the supporter's input
// never counts as the customer's.
struct X11Input {
    std::unique_ptr<desktop::InputInjector> injector;
    std::unique_ptr<desktop::LocalInput> local;
};
X11Input make_x11_input(const std::string& display);
// An override-redirect bar across the top of the screen (plain Xlib), raised
// again whenever another window is mapped or restacked.
std::unique_ptr<desktop::ControlNotice> make_x11_control_notice(const std::string& display);

// CLIPBOARD and PRIMARY (XFixes, ICCCM with INCR; x11_clipboard.cpp). Used
// on the customer's display and on the supporter's own.
std::unique_ptr<desktop::Clipboard> make_x11_clipboard(const std::string& display);
// RandR 1.5 monitors (x11_monitors.cpp); an empty list without RandR 1.5.
std::unique_ptr<desktop::MonitorSource> make_x11_monitors(const std::string& display);

}  // namespace x11desktop
