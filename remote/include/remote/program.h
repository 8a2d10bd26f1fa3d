// Small pieces tether-client and tether-desk share as programs.
#pragma once

#include <functional>
#include <istream>
#include <string>

namespace remote {

// Blocks SIGINT and SIGTERM in the calling thread (call it before any other
// thread starts, so that every thread inherits the mask) and runs `on_stop`
// once, on a detached thread, when one of them arrives: a headless session
// then ends cleanly (hotkeys released, the relay told). On Windows
// (program_windows.cpp) the console control handler (Ctrl+C, Ctrl+Break,
// closing the console) does the same.
void stop_on_signals(std::function<void()> on_stop);

// `--code -`: the code is read from `in` (one line; spaces and dashes as a
// person types them are dropped), so that a script or a benchmark starts
// the client first and gives the code later, as a customer types it while
// the program is already up. Any other `given` is returned as it is. The
// caller checks the result (wire::valid_session_code).
std::string code_or_stdin(const std::string& given, std::istream& in);

}  // namespace remote
