// The customer's own mouse and keyboard (desktop::LocalInput) on Windows:
// low-level hooks (WH_MOUSE_LL, WH_KEYBOARD_LL) see every event of the
// session before any window does. Whose hand it was:
// - an event flagged injected (LLMHF_INJECTED, LLKHF_INJECTED) is ours if it
//   matches what our injector recorded, else another program's on the
//   customer's behalf (an on-screen keyboard): the customer's;
// - an unflagged move to where we just moved the pointer is ours too: under
//   wine the X server reports our move back as a plain one;
// - anything else is the customer's.
// Clicks and F11/F12 never count (customer_presence.h). Hook procedures
// must return quickly (Windows drops a hook that takes longer than
// LowLevelHooksTimeout), so the callback runs on a second thread.
#include <windows.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "injected_input_windows.h"
#include "wininput/windows.h"

namespace wininput {
namespace {

class HookInput;
// The hooks' procedures get no context pointer: the one hook thread's object.
thread_local HookInput* t_self = nullptr;

class HookInput : public desktop::LocalInput {
public:
    explicit HookInput(std::shared_ptr<InjectedInput> sent) : sent_(std::move(sent)) {}
    ~HookInput() override { stop(); }

    void start(Callback cb) override {
        stop();
        cb_ = std::move(cb);
        {
            std::lock_guard<std::mutex> lk(mu_);
            quit_ = false;
            pending_.clear();
        }
        notifier_ = std::thread([this] { notify_loop(); });
        std::promise<std::string> ready;
        auto result = ready.get_future();
        hooks_ = std::thread([this, &ready] { hook_loop(ready); });
        std::string error = result.get();
        if (!error.empty()) {
            hooks_.join();
            stop();
            throw std::runtime_error(error);
        }
    }

    void stop() override {
        if (hooks_.joinable()) {
            PostThreadMessageW(hook_thread_, WM_QUIT, 0, 0);
            hooks_.join();
        }
        if (notifier_.joinable()) {
            {
                std::lock_guard<std::mutex> lk(mu_);
                quit_ = true;
            }
            cv_.notify_all();
            notifier_.join();
        }
    }

private:
    void hook_loop(std::promise<std::string>& ready) {
        MSG msg;
        PeekMessageW(&msg, nullptr, 0, 0, PM_NOREMOVE);  // the queue exists before stop() can post
        hook_thread_ = GetCurrentThreadId();
        t_self = this;
        HINSTANCE self = GetModuleHandleW(nullptr);
        HHOOK mouse = SetWindowsHookExW(WH_MOUSE_LL, on_mouse, self, 0);
        HHOOK keys = SetWindowsHookExW(WH_KEYBOARD_LL, on_key, self, 0);
        if (!mouse || !keys) {
            if (mouse) UnhookWindowsHookEx(mouse);
            if (keys) UnhookWindowsHookEx(keys);
            return ready.set_value("Windows refused to watch the mouse and keyboard, so your own input cannot be "
                                   "noticed");
        }
        ready.set_value("");
        while (GetMessageW(&msg, nullptr, 0, 0) > 0) DispatchMessageW(&msg);  // the hooks run inside GetMessage
        UnhookWindowsHookEx(mouse);
        UnhookWindowsHookEx(keys);
    }

    static LRESULT CALLBACK on_mouse(int code, WPARAM w, LPARAM l) {
        if (code == HC_ACTION && w == WM_MOUSEMOVE && t_self) {
            const auto* e = reinterpret_cast<const MSLLHOOKSTRUCT*>(l);
            if (!t_self->sent_ || !t_self->sent_->was_motion(e->pt.x, e->pt.y)) t_self->noticed("moved the mouse");
        }
        return CallNextHookEx(nullptr, code, w, l);
    }

    static LRESULT CALLBACK on_key(int code, WPARAM w, LPARAM l) {
        if (code == HC_ACTION && (w == WM_KEYDOWN || w == WM_SYSKEYDOWN) && t_self) {
            const auto* e = reinterpret_cast<const KBDLLHOOKSTRUCT*>(l);
            bool consent_key = e->vkCode == VK_F11 || e->vkCode == VK_F12;
            bool ours = (e->flags & LLKHF_INJECTED) && t_self->sent_ && t_self->sent_->was_key(e->vkCode);
            if (!consent_key && !ours) t_self->noticed("pressed a key");
        }
        return CallNextHookEx(nullptr, code, w, l);
    }

    // From a hook: hand over and return at once; a burst becomes one call.
    void noticed(const char* what) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            if (!pending_.empty()) return;
            pending_ = what;
        }
        cv_.notify_one();
    }

    void notify_loop() {
        std::unique_lock<std::mutex> lk(mu_);
        for (;;) {
            cv_.wait(lk, [this] { return quit_ || !pending_.empty(); });
            if (quit_) return;
            std::string what = pending_;
            lk.unlock();
            cb_(what);
            lk.lock();
            pending_.clear();
        }
    }

    std::shared_ptr<InjectedInput> sent_;
    Callback cb_;
    std::thread hooks_, notifier_;
    DWORD hook_thread_ = 0;
    std::mutex mu_;  // pending_, quit_
    std::condition_variable cv_;
    std::string pending_;  // what the customer did, not yet told
    bool quit_ = false;
};

}  // namespace

std::unique_ptr<desktop::LocalInput> make_local_input(std::shared_ptr<InjectedInput> sent) {
    return std::make_unique<HookInput>(std::move(sent));
}

}  // namespace wininput
