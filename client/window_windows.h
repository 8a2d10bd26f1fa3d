// tether-client.exe's window (plain Win32: no FLTK build exists for
// mingw-w64): the code, Connect, the status in the session's own words, the
// security code to compare on the phone, the consent state with buttons that
// toggle it like F11/F12, Send file (and files dropped onto the window),
// the files list, Disconnect. Per-monitor DPI aware: fonts and layout follow
// GetDpiForWindow. The controls' ids: window_ids_windows.h.
#pragma once

#include <string>

#include "headless_windows.h"

namespace client {

// Shows the window with `code` prefilled and runs its message loop until the
// customer closes it; each Connect runs one session of `app` on a worker
// thread. `download_dir`: where received files land (for "Saved to").
// Returns the exit status (0).
int run_window(HeadlessClient& app, const std::string& code, const std::string& download_dir);

}  // namespace client
