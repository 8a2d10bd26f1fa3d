// The bar "<supporter> is controlling your computer" across the top of the
// primary monitor while control is on (issue 15; the Linux bar is
// x11desktop/src/x11_control_notice.cpp, same words and colors). A topmost
// popup that never takes the focus (WS_EX_NOACTIVATE: the customer's typing
// stays where it was), re-raised every second so that another topmost
// window does not bury it, with a "Stop control" button. Its own thread
// owns the window; show() and hide() post to it.
#include <windows.h>

#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "platform/windows_text.h"
#include "wininput/windows.h"

namespace wininput {
namespace {

constexpr wchar_t kClass[] = L"TetherControlBar";
constexpr COLORREF kOrange = RGB(0xE0, 0x5A, 0x00);  // "remote control on" in both programs
constexpr int kHeight = 40, kButtonWidth = 130, kMargin = 6, kFontPt = 11;  // at 96 dpi, scaled
constexpr UINT kShow = WM_APP + 1, kHide = WM_APP + 2;
constexpr UINT_PTR kRaiseTimer = 1;
constexpr UINT kRaiseEveryMs = 1000;
constexpr int kStopId = 1;

class ControlBar : public desktop::ControlNotice {
public:
    ControlBar() {
        std::promise<void> ready;
        auto done = ready.get_future();
        thread_ = std::thread([this, &ready] { run(ready); });
        done.get();
        if (!hwnd_) {
            thread_.join();
            throw std::runtime_error("the control bar cannot be shown (no desktop to show it on)");
        }
    }
    ~ControlBar() override {
        PostMessageW(hwnd_, WM_CLOSE, 0, 0);
        thread_.join();
    }

    void show(const std::string& supporter, std::function<void()> on_stop) override {
        {
            std::lock_guard<std::mutex> lk(mu_);
            text_ = platform::to_utf16((supporter.empty() ? std::string("Your supporter") : supporter) +
                                       " is controlling your computer. Move your mouse or press a key to take "
                                       "control back.");
            on_stop_ = std::move(on_stop);
        }
        PostMessageW(hwnd_, kShow, 0, 0);
    }
    void hide() override { PostMessageW(hwnd_, kHide, 0, 0); }

private:
    void run(std::promise<void>& ready) {
        per_monitor_aware();  // the bar spans the physical width, text at the monitor's scale
        register_class();
        hwnd_ = CreateWindowExW(WS_EX_TOPMOST | WS_EX_TOOLWINDOW | WS_EX_NOACTIVATE, kClass, L"", WS_POPUP, 0, 0, 1, 1,
                                nullptr, nullptr, GetModuleHandleW(nullptr), this);
        if (!hwnd_) return ready.set_value();  // the constructor throws
        label_ = CreateWindowExW(0, L"STATIC", L"", WS_CHILD | WS_VISIBLE | SS_LEFT | SS_CENTERIMAGE, 0, 0, 1, 1, hwnd_,
                                 nullptr, nullptr, nullptr);
        button_ = CreateWindowExW(0, L"BUTTON", L"Stop control", WS_CHILD | WS_VISIBLE | BS_PUSHBUTTON, 0, 0, 1, 1,
                                  hwnd_, reinterpret_cast<HMENU>(static_cast<INT_PTR>(kStopId)), nullptr, nullptr);
        ready.set_value();
        MSG msg;
        while (GetMessageW(&msg, nullptr, 0, 0) > 0) {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
        if (font_) DeleteObject(font_);
    }

    static void per_monitor_aware() {
        using SetFn = HANDLE(WINAPI*)(HANDLE);
        auto set = reinterpret_cast<SetFn>(
            reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"user32.dll"), "SetThreadDpiAwarenessContext")));
        if (set) set(reinterpret_cast<HANDLE>(static_cast<LONG_PTR>(-4)));  // PER_MONITOR_AWARE_V2
    }

    static void register_class() {
        WNDCLASSW wc{};
        wc.lpfnWndProc = proc;
        wc.hInstance = GetModuleHandleW(nullptr);
        wc.lpszClassName = kClass;
        wc.hCursor = LoadCursorW(nullptr, reinterpret_cast<LPCWSTR>(IDC_ARROW));
        wc.hbrBackground = CreateSolidBrush(kOrange);  // lives as long as the class: the process
        RegisterClassW(&wc);  // fails harmlessly the second time
    }

    static LRESULT CALLBACK proc(HWND h, UINT m, WPARAM w, LPARAM l) {
        if (m == WM_NCCREATE)
            SetWindowLongPtrW(h, GWLP_USERDATA,
                              reinterpret_cast<LONG_PTR>(reinterpret_cast<CREATESTRUCTW*>(l)->lpCreateParams));
        auto* self = reinterpret_cast<ControlBar*>(GetWindowLongPtrW(h, GWLP_USERDATA));
        return self ? self->handle(h, m, w, l) : DefWindowProcW(h, m, w, l);
    }

    LRESULT handle(HWND h, UINT m, WPARAM w, LPARAM l) {
        switch (m) {
        case kShow: return on_show(), 0;
        case kHide:
            KillTimer(h, kRaiseTimer);
            ShowWindow(h, SW_HIDE);
            return 0;
        case WM_TIMER:
            SetWindowPos(h, HWND_TOPMOST, 0, 0, 0, 0, SWP_NOMOVE | SWP_NOSIZE | SWP_NOACTIVATE);
            return 0;
        case WM_MOUSEACTIVATE: return MA_NOACTIVATE;  // clicking Stop leaves the focus where it was
        case WM_COMMAND:
            if (LOWORD(w) == kStopId) on_stop();
            return 0;
        case WM_CTLCOLORSTATIC:
            SetTextColor(reinterpret_cast<HDC>(w), RGB(255, 255, 255));
            SetBkColor(reinterpret_cast<HDC>(w), kOrange);
            return static_cast<LRESULT>(GetClassLongPtrW(h, GCLP_HBRBACKGROUND));
        case WM_CLOSE: DestroyWindow(h); return 0;
        case WM_DESTROY: PostQuitMessage(0); return 0;
        }
        return DefWindowProcW(h, m, w, l);
    }

    void on_show() {
        std::wstring text;
        {
            std::lock_guard<std::mutex> lk(mu_);
            text = text_;
        }
        SetWindowTextW(hwnd_, text.c_str());  // the title too: what FindWindow and screen readers see
        SetWindowTextW(label_, text.c_str());
        layout();
        SetWindowPos(hwnd_, HWND_TOPMOST, 0, 0, 0, 0, SWP_NOMOVE | SWP_NOSIZE | SWP_NOACTIVATE | SWP_SHOWWINDOW);
        SetTimer(hwnd_, kRaiseTimer, kRaiseEveryMs, nullptr);
    }

    // Across the primary monitor's top (its origin is 0,0), sized for its dpi.
    void layout() {
        HDC dc = GetDC(nullptr);
        int dpi = GetDeviceCaps(dc, LOGPIXELSY);
        ReleaseDC(nullptr, dc);
        auto px = [dpi](int at96) { return MulDiv(at96, dpi, 96); };
        int width = GetSystemMetrics(SM_CXSCREEN), height = px(kHeight), m = px(kMargin), bw = px(kButtonWidth);
        if (!font_) {
            font_ = CreateFontW(-MulDiv(kFontPt, dpi, 72), 0, 0, 0, FW_BOLD, FALSE, FALSE, FALSE, DEFAULT_CHARSET,
                                OUT_DEFAULT_PRECIS, CLIP_DEFAULT_PRECIS, CLEARTYPE_QUALITY, DEFAULT_PITCH, L"Segoe UI");
            SendMessageW(label_, WM_SETFONT, reinterpret_cast<WPARAM>(font_), TRUE);
            SendMessageW(button_, WM_SETFONT, reinterpret_cast<WPARAM>(font_), TRUE);
        }
        SetWindowPos(hwnd_, HWND_TOPMOST, 0, 0, width, height, SWP_NOACTIVATE);
        MoveWindow(label_, m * 2, 0, width - bw - m * 4, height, TRUE);
        MoveWindow(button_, width - bw - m, m, bw, height - 2 * m, TRUE);
    }

    void on_stop() {
        std::function<void()> cb;
        {
            std::lock_guard<std::mutex> lk(mu_);
            cb = on_stop_;
        }
        if (cb) cb();  // runs here, on the bar's thread (customer_presence.h)
    }

    std::thread thread_;
    HWND hwnd_ = nullptr, label_ = nullptr, button_ = nullptr;  // set before the constructor returns
    HFONT font_ = nullptr;                                       // the bar's thread only
    std::mutex mu_;                                              // text_, on_stop_
    std::wstring text_;
    std::function<void()> on_stop_;
};

}  // namespace

std::unique_ptr<desktop::ControlNotice> make_control_bar() { return std::make_unique<ControlBar>(); }

}  // namespace wininput
