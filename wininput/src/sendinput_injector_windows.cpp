// The InputInjector on SendInput: keys through KeyMapper (keymap.h) on the
// layout of the window the customer types into, the mouse through the
// mouse plan (mouse_plan.h) in absolute virtual-screen coordinates.
#include <windows.h>

#include <mutex>
#include <vector>

#include "injected_input_windows.h"
#include "layout_windows.h"
#include "wininput/keymap.h"
#include "wininput/mouse_plan.h"
#include "wininput/windows.h"

namespace wininput {
namespace {

// Physical pixels whatever the process declared: the thread is per-monitor
// aware for the length of one call (Windows 10 1607+; older systems have no
// per-monitor scaling to undo, so nothing is needed there).
class PerMonitorAware {
public:
    PerMonitorAware() {
        if (set_) old_ = set_(kPerMonitorAwareV2);
    }
    ~PerMonitorAware() {
        if (set_ && old_) set_(old_);
    }

private:
    using SetFn = HANDLE(WINAPI*)(HANDLE);
    static inline const HANDLE kPerMonitorAwareV2 = reinterpret_cast<HANDLE>(static_cast<LONG_PTR>(-4));
    static SetFn lookup() {
        return reinterpret_cast<SetFn>(
            reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"user32.dll"), "SetThreadDpiAwarenessContext")));
    }
    static inline const SetFn set_ = lookup();
    HANDLE old_ = nullptr;
};

INPUT key_input(const KeyInput& k, HKL layout) {
    INPUT in{};
    in.type = INPUT_KEYBOARD;
    if (k.kind == KeyInput::Kind::unicode) {
        in.ki.wScan = k.code;
        in.ki.dwFlags = KEYEVENTF_UNICODE;
    } else {
        in.ki.wVk = k.code;
        in.ki.wScan = static_cast<WORD>(MapVirtualKeyExW(k.code, MAPVK_VK_TO_VSC, layout));
        if (k.extended) in.ki.dwFlags |= KEYEVENTF_EXTENDEDKEY;
    }
    if (k.up) in.ki.dwFlags |= KEYEVENTF_KEYUP;
    return in;
}

INPUT mouse_input(DWORD flags, LONG dx = 0, LONG dy = 0, int data = 0) {
    INPUT in{};
    in.type = INPUT_MOUSE;
    in.mi.dx = dx;
    in.mi.dy = dy;
    in.mi.mouseData = static_cast<DWORD>(data);
    in.mi.dwFlags = flags;
    return in;
}

DWORD button_flag(MouseButton::Kind k) {
    using K = MouseButton::Kind;
    switch (k) {
    case K::left_down: return MOUSEEVENTF_LEFTDOWN;
    case K::left_up: return MOUSEEVENTF_LEFTUP;
    case K::middle_down: return MOUSEEVENTF_MIDDLEDOWN;
    case K::middle_up: return MOUSEEVENTF_MIDDLEUP;
    case K::right_down: return MOUSEEVENTF_RIGHTDOWN;
    case K::right_up: return MOUSEEVENTF_RIGHTUP;
    case K::wheel: return MOUSEEVENTF_WHEEL;
    case K::hwheel: return MOUSEEVENTF_HWHEEL;
    }
    return 0;
}

class SendInputInjector : public desktop::InputInjector {
public:
    explicit SendInputInjector(std::shared_ptr<InjectedInput> sent) : mapper_(layout_), sent_(std::move(sent)) {}

    void pointer(int x, int y, int mask) override {
        PerMonitorAware aware;
        int vx = GetSystemMetrics(SM_XVIRTUALSCREEN), vy = GetSystemMetrics(SM_YVIRTUALSCREEN);
        int vw = GetSystemMetrics(SM_CXVIRTUALSCREEN), vh = GetSystemMetrics(SM_CYVIRTUALSCREEN);
        std::lock_guard<std::mutex> lk(mu_);
        // One SendInput call: nothing the customer does lands between the move and the click.
        std::vector<INPUT> in{mouse_input(MOUSEEVENTF_MOVE | MOUSEEVENTF_ABSOLUTE | MOUSEEVENTF_VIRTUALDESK,
                                          normalized(vx + x, vx, vw), normalized(vy + y, vy, vh))};
        for (const auto& b : button_changes(buttons_, mask)) in.push_back(mouse_input(button_flag(b.kind), 0, 0, b.delta));
        buttons_ = mask;
        if (sent_) sent_->motion(vx + x, vy + y);
        SendInput(static_cast<UINT>(in.size()), in.data(), sizeof(INPUT));
    }

    void key(std::uint32_t keysym, bool down) override {
        std::lock_guard<std::mutex> lk(mu_);
        HKL hkl = layout_.refresh();  // the layout of the window typed into, now
        std::vector<INPUT> in;
        for (const auto& k : mapper_.key(keysym, down)) {
            in.push_back(key_input(k, hkl));
            if (sent_ && !k.up) sent_->key(k.kind == KeyInput::Kind::unicode ? VK_PACKET : k.code);
        }
        if (!in.empty()) SendInput(static_cast<UINT>(in.size()), in.data(), sizeof(INPUT));
    }

private:
    std::mutex mu_;  // one event at a time, in order
    WindowsLayout layout_;
    KeyMapper mapper_;
    std::shared_ptr<InjectedInput> sent_;
    int buttons_ = 0;
};

}  // namespace

std::shared_ptr<InjectedInput> make_injected_record() { return std::make_shared<InjectedInput>(); }

std::unique_ptr<desktop::InputInjector> make_sendinput_injector(std::shared_ptr<InjectedInput> sent) {
    return std::make_unique<SendInputInjector>(std::move(sent));
}

}  // namespace wininput
