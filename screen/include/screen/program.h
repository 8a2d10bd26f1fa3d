// Small pieces tether-client and tether-desk share as programs.
#pragma once

#include <functional>
#include <string>

namespace screen {

// Blocks SIGINT and SIGTERM in the calling thread (call it before any other
// thread starts, so that every thread inherits the mask) and runs `on_stop`
// once, on a detached thread, when one of them arrives: a headless session
// then ends cleanly (hotkeys released, the relay told).
void stop_on_signals(std::function<void()> on_stop);

}  // namespace screen
