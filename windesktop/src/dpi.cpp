#include "windesktop/dpi.h"

#include <windows.h>

namespace windesktop {
namespace {

// Looked up at run time: older Windows (and some wine versions) lack them,
// and a static import would stop the .exe from starting there.
template <class Fn> Fn lookup(const char* dll, const char* name) {
    HMODULE m = LoadLibraryA(dll);
    return m ? reinterpret_cast<Fn>(reinterpret_cast<void*>(GetProcAddress(m, name))) : nullptr;
}

// DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2 and PROCESS_PER_MONITOR_DPI_AWARE,
// by value: mingw's headers hide them behind _WIN32_WINNT checks.
const HANDLE kPerMonitorAwareV2 = reinterpret_cast<HANDLE>(static_cast<LONG_PTR>(-4));
constexpr int kProcessPerMonitorDpiAware = 2;

}  // namespace

const char* make_process_dpi_aware() {
    using SetContext = BOOL(WINAPI*)(HANDLE);
    using SetAwareness = HRESULT(WINAPI*)(int);
    if (auto set = lookup<SetContext>("user32.dll", "SetProcessDpiAwarenessContext")) {
        if (set(kPerMonitorAwareV2)) return "per-monitor v2";
        if (GetLastError() == ERROR_ACCESS_DENIED) return "already chosen";
    }
    if (auto set = lookup<SetAwareness>("shcore.dll", "SetProcessDpiAwareness"))
        if (SUCCEEDED(set(kProcessPerMonitorDpiAware))) return "per-monitor";
    SetProcessDPIAware();
    return "system";
}

}  // namespace windesktop
