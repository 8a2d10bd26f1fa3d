// Small pieces tether-client and tether-desk share as programs.
#pragma once

#include <functional>
#include <string>

namespace remote {

// Blocks SIGINT and SIGTERM in the calling thread (call it before any other
// thread starts, so that every thread inherits the mask) and runs `on_stop`
// once, on a detached thread, when one of them arrives: a headless session
// then ends cleanly (hotkeys released, the relay told). On Windows
// (program_windows.cpp) the console control handler (Ctrl+C, Ctrl+Break,
// closing the console) does the same.
void stop_on_signals(std::function<void()> on_stop);

}  // namespace remote
