// wininput_probe.exe: a small Windows program for e2e.wininput.* (run under
// wine on Xvfb by test_wininput_e2e.cpp). It shows a window with a focused
// edit control at a known place, drives one part of wininput/ and prints
// on stdout what a user would see, one line per fact:
//   type    keysyms as the desk sends them -> "text: <UTF-8 hex of the edit's text>"
//   click   a left click at screen (350, 170) -> "click 350 170" (where the window got it)
//   hotkey  F11/F12 registered -> "hotkeys ready", then "hotkey control" / "hotkey files" per press
//   bar     the control bar for "Bob" -> "bar: <its text>", "stop button", "stopped" after our click on
//           Stop control, "bar hidden"
//   local   the customer's-input watcher -> "injected ignored" (our own moves and keys do not count),
//           "watching", then "noticed: <what>" for the customer's hand (xdotool from the test)
//   idle    just the window for 120 s, a program the customer works in while
//           tether-client.exe runs: "text: <hex>" after every change of the
//           edit's text, "click X Y" for clicks
#include <windows.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "platform/windows_text.h"
#include "wininput/windows.h"

namespace {

using namespace std::chrono_literals;

// Covers the screen's middle, where wine puts the pointer at start: X key
// events reach wine only over its windows (no window manager).
constexpr int kWinX = 100, kWinY = 100, kWinW = 500, kWinH = 400;  // px, screen coordinates
constexpr int kClickX = 350, kClickY = 170;                         // in the window, right of the edit
HWND g_edit = nullptr;           // the probe's one window's edit control
bool g_report_changes = false;  // idle: say every change of the edit's text

void say(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

std::string hex(const std::string& s) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string edit_text() {
    std::wstring w(static_cast<std::size_t>(GetWindowTextLengthW(g_edit)) + 1, L'\0');
    w.resize(static_cast<std::size_t>(GetWindowTextW(g_edit, w.data(), static_cast<int>(w.size()))));
    return platform::to_utf8(w);
}

LRESULT CALLBACK window_proc(HWND h, UINT m, WPARAM w, LPARAM l) {
    if (m == WM_LBUTTONDOWN) {
        POINT p{static_cast<short>(LOWORD(l)), static_cast<short>(HIWORD(l))};
        ClientToScreen(h, &p);
        say("click " + std::to_string(p.x) + " " + std::to_string(p.y));
        return 0;
    }
    if (m == WM_COMMAND && HIWORD(w) == EN_CHANGE && g_report_changes) say("text: " + hex(edit_text()));
    if (m == WM_DESTROY) PostQuitMessage(0);
    return DefWindowProcW(h, m, w, l);
}

// A borderless window at a known place; the edit control takes the left
// half and the focus, the right half receives clicks.
HWND make_window() {
    WNDCLASSW wc{};
    wc.lpfnWndProc = window_proc;
    wc.hInstance = GetModuleHandleW(nullptr);
    wc.lpszClassName = L"TetherWininputProbe";
    wc.hbrBackground = static_cast<HBRUSH>(GetStockObject(WHITE_BRUSH));
    RegisterClassW(&wc);
    HWND h = CreateWindowExW(0, wc.lpszClassName, L"Tether wininput probe", WS_POPUP | WS_VISIBLE, kWinX, kWinY, kWinW,
                             kWinH, nullptr, nullptr, wc.hInstance, nullptr);
    g_edit = CreateWindowExW(0, L"EDIT", L"", WS_CHILD | WS_VISIBLE | WS_BORDER | ES_AUTOHSCROLL, 10, 10, 180, 30, h,
                             nullptr, nullptr, nullptr);
    SetForegroundWindow(h);
    SetFocus(g_edit);
    return h;
}

// Runs the window's messages for `d`, or until `done`.
void pump(std::chrono::milliseconds d, const std::atomic<bool>* done = nullptr) {
    auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end && !(done && *done)) {
        MSG msg;
        while (PeekMessageW(&msg, nullptr, 0, 0, PM_REMOVE)) {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
        MsgWaitForMultipleObjects(0, nullptr, FALSE, 10, QS_ALLINPUT);
    }
}

// What a US-keyboard desk sends for "Hi, World! @#$%^&*()_+" then é, €, ж,
// ê typed as dead_circumflex + e, an x taken back with BackSpace, and Home
// then '>': Shift held by the desk for some of the shifted
// characters, left to the mapping for others.
struct Ev {
    std::uint32_t keysym;
    bool down;
};
std::vector<Ev> desk_typing() {
    std::vector<Ev> ev;
    auto tap = [&](std::uint32_t ks) { ev.push_back({ks, true}), ev.push_back({ks, false}); };
    auto shifted = [&](std::uint32_t ks) {
        ev.push_back({0xffe1, true});
        tap(ks);
        ev.push_back({0xffe1, false});
    };
    shifted('H');
    for (char c : std::string("i, ")) tap(static_cast<unsigned char>(c));
    shifted('W');
    for (char c : std::string("orld")) tap(static_cast<unsigned char>(c));
    shifted('!');
    tap(' ');
    for (char c : std::string("@#$%^&*()_+")) tap(static_cast<unsigned char>(c));  // no Shift from the desk
    tap(' ');
    tap(0xe9);    // é (Latin-1 keysym)
    tap(0x20ac);  // EuroSign
    tap(0x6d6);   // Cyrillic_zhe
    tap(0xfe52);  // dead_circumflex
    tap('e');
    tap('x');
    tap(0xff08);  // BackSpace: the x goes
    tap(0xff50);  // Home (an extended key), then a '>' at the start
    tap('>');
    return ev;
}

int do_type(desktop::InputInjector& inj) {
    for (const auto& e : desk_typing()) {
        inj.key(e.keysym, e.down);
        pump(5ms);
    }
    pump(500ms);
    say("text: " + hex(edit_text()));
    return 0;
}

int do_click(desktop::InputInjector& inj) {
    inj.pointer(kClickX, kClickY, 0);  // there, then the click itself
    pump(100ms);
    inj.pointer(kClickX, kClickY, 1);
    inj.pointer(kClickX, kClickY, 0);
    pump(500ms);
    return 0;
}

int do_hotkey() {
    auto keys = wininput::make_hotkeys();
    std::atomic<int> presses{0};
    keys->start([&](desktop::Hotkey k) {
        say(k == desktop::Hotkey::control ? "hotkey control" : "hotkey files");
        ++presses;
    });
    say("hotkeys ready");
    for (int i = 0; i < 300 && presses < 2; ++i) pump(100ms);
    keys->stop();
    return presses >= 2 ? 0 : 1;
}

HWND find_child(HWND parent, const wchar_t* text) {
    return FindWindowExW(parent, nullptr, L"BUTTON", text);
}

int do_bar(desktop::InputInjector& inj) {
    auto bar = wininput::make_control_bar();
    std::atomic<bool> stopped{false};
    bar->show("Bob", [&] { stopped = true; });
    pump(500ms);
    HWND h = FindWindowW(L"TetherControlBar", nullptr);
    if (!h || !IsWindowVisible(h)) return say("no bar"), 1;
    std::wstring title(512, L'\0');
    title.resize(static_cast<std::size_t>(GetWindowTextW(h, title.data(), 512)));
    RECT r;
    GetWindowRect(h, &r);
    say("bar: " + platform::to_utf8(title));
    say("bar rect " + std::to_string(r.left) + " " + std::to_string(r.top) + " " + std::to_string(r.right) + " " +
        std::to_string(r.bottom) + (GetWindowLongW(h, GWL_EXSTYLE) & WS_EX_TOPMOST ? " topmost" : ""));
    HWND stop = find_child(h, L"Stop control");
    if (!stop) return say("no stop button"), 1;
    say("stop button");
    GetWindowRect(stop, &r);
    int x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
    inj.pointer(x, y, 0);
    pump(100ms);
    inj.pointer(x, y, 1);
    inj.pointer(x, y, 0);
    pump(3000ms, &stopped);
    if (!stopped) return say("stop not clicked"), 1;
    say("stopped");
    bar->hide();
    pump(300ms);
    say(IsWindowVisible(h) ? "bar still shown" : "bar hidden");
    return 0;
}

int do_local(desktop::InputInjector& inj, std::shared_ptr<wininput::InjectedInput> sent) {
    auto local = wininput::make_local_input(sent);
    std::atomic<bool> noticed{false};
    local->start([&](const std::string& what) {
        say("noticed: " + what);
        noticed = true;
    });
    for (int i = 0; i < 5; ++i) {  // the supporter's moves and a key: not the customer's
        inj.pointer(300 + 10 * i, 150, 0);
        pump(50ms);
    }
    inj.key('a', true);
    inj.key('a', false);
    pump(1000ms);
    if (noticed) return 1;
    say("injected ignored");
    say("watching");
    pump(30000ms, &noticed);
    local->stop();
    return noticed ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::string mode = argc > 1 ? argv[1] : "";
    make_window();
    pump(300ms);
    auto sent = wininput::make_injected_record();
    auto inj = wininput::make_sendinput_injector(sent);
    say("window ready");
    if (mode == "type") return do_type(*inj);
    if (mode == "click") return do_click(*inj);
    if (mode == "hotkey") return do_hotkey();
    if (mode == "bar") return do_bar(*inj);
    if (mode == "local") return do_local(*inj, sent);
    if (mode == "idle") {
        g_report_changes = true;
        pump(120s);
        return 0;
    }
    say("usage: wininput_probe type|click|hotkey|bar|local");
    return 2;
}
