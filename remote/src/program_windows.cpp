// stop_on_signals on Windows: Ctrl+C, Ctrl+Break and closing the console
// window arrive through the console control handler, which Windows runs on
// a thread of its own; on_stop runs there, once.
#include "remote/program.h"

#include <windows.h>

#include <mutex>

namespace remote {
namespace {

std::function<void()>& handler() {
    static std::function<void()> f;  // set once, before the handler is installed
    return f;
}

BOOL WINAPI on_console_event(DWORD) {
    static std::once_flag once;
    std::call_once(once, [] { handler()(); });
    return TRUE;  // handled: the program ends on its own once the session ended
}

}  // namespace

void ignore_broken_pipes() {}

void stop_on_signals(std::function<void()> on_stop) {
    handler() = std::move(on_stop);
    SetConsoleCtrlHandler(on_console_event, TRUE);
}

}  // namespace remote
