// The Windows implementations of the customer-side seams (desktop/platform.h:
// InputInjector, Hotkeys; desktop/customer_presence.h: ControlNotice,
// LocalInput), for tether-client.exe. Windows only.
#pragma once

#include <memory>

#include "desktop/customer_presence.h"
#include "desktop/platform.h"

namespace wininput {

class InjectedInput;

// What our injector sent, shared with the watcher of the customer's own
// input (make_local_input) so that it can tell the two apart.
std::shared_ptr<InjectedInput> make_injected_record();

// SendInput. Pointer coordinates are physical pixels from the top-left of
// the virtual screen (all monitors: SM_XVIRTUALSCREEN, SM_YVIRTUALSCREEN),
// what a capture of the whole virtual screen shows, whatever the process's
// DPI awareness (the injector's calls run per-monitor aware). Keys go to
// the window with the keyboard focus, typed on the customer's current
// layout (wininput/keymap.h). `sent` may be null.
std::unique_ptr<desktop::InputInjector> make_sendinput_injector(std::shared_ptr<InjectedInput> sent);

// F11 and F12 with RegisterHotKey on a thread of its own; start() throws
// std::runtime_error naming the key when another program holds it.
std::unique_ptr<desktop::Hotkeys> make_hotkeys();

// The bar across the top of the primary monitor while control is on:
// topmost, never taking the focus, with a "Stop control" button. Throws
// std::runtime_error when no window can be made (no desktop: wine without X).
std::unique_ptr<desktop::ControlNotice> make_control_bar();

// The customer's own mouse movement and key presses (not F11/F12), seen by
// low-level hooks; events flagged injected, or matching what `sent` records,
// are not theirs.
std::unique_ptr<desktop::LocalInput> make_local_input(std::shared_ptr<InjectedInput> sent);

}  // namespace wininput
