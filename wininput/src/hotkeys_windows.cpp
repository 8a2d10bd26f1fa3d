// F11 and F12 as global hotkeys (RegisterHotKey). A hotkey belongs to the
// thread that registers it and arrives in that thread's message queue, so
// one thread registers both, waits in GetMessage and unregisters them.
#include <windows.h>

#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include "wininput/windows.h"

namespace wininput {
namespace {

constexpr int kIdControl = 1, kIdFiles = 2;  // our hotkey ids (0x0000-0xBFFF are the application's)

class WinHotkeys : public desktop::Hotkeys {
public:
    ~WinHotkeys() override { stop(); }

    // Waits until both keys are registered, or throws.
    void start(Callback cb) override {
        stop();
        cb_ = std::move(cb);
        std::promise<std::string> ready;  // "" or why not
        auto result = ready.get_future();
        thread_ = std::thread([this, &ready] { loop(ready); });
        std::string error = result.get();
        if (!error.empty()) {
            thread_.join();
            throw std::runtime_error(error);
        }
    }

    void stop() override {
        if (!thread_.joinable()) return;
        PostThreadMessageW(thread_id_, WM_QUIT, 0, 0);
        thread_.join();
    }

private:
    void loop(std::promise<std::string>& ready) {
        MSG msg;
        PeekMessageW(&msg, nullptr, 0, 0, PM_NOREMOVE);  // makes this thread's queue before anyone posts
        thread_id_ = GetCurrentThreadId();
        // MOD_NOREPEAT: one WM_HOTKEY per press, however long it is held.
        if (!RegisterHotKey(nullptr, kIdControl, MOD_NOREPEAT, VK_F11)) return ready.set_value(taken("F11"));
        if (!RegisterHotKey(nullptr, kIdFiles, MOD_NOREPEAT, VK_F12)) {
            UnregisterHotKey(nullptr, kIdControl);
            return ready.set_value(taken("F12"));
        }
        ready.set_value("");
        while (GetMessageW(&msg, nullptr, 0, 0) > 0)
            if (msg.message == WM_HOTKEY) cb_(msg.wParam == kIdControl ? desktop::Hotkey::control : desktop::Hotkey::files);
        UnregisterHotKey(nullptr, kIdControl);
        UnregisterHotKey(nullptr, kIdFiles);
    }

    static std::string taken(const char* key) {
        return std::string("another program holds ") + key +
               " as a hotkey: close it, or the permissions (F11 remote control, F12 file transfer) cannot be "
               "switched";
    }

    Callback cb_;
    std::thread thread_;
    DWORD thread_id_ = 0;  // set before start() returns
};

}  // namespace

std::unique_ptr<desktop::Hotkeys> make_hotkeys() { return std::make_unique<WinHotkeys>(); }

}  // namespace wininput
