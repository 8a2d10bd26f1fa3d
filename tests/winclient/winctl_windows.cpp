// winctl.exe: reads and presses the controls of tether-client.exe's window
// from another process, as the e2e.winclient.window* tests' hands and eyes
// (run under wine in the client's prefix, on the same X display). What it
// prints is the real widgets' text (WM_GETTEXT; the files list through
// LVM_GETITEMTEXTW with a buffer in the window's process).
//
//   winctl.exe dump                      every control: name, enabled (0/1), text
//   winctl.exe wait SECONDS NAME TEXT    until NAME's text contains TEXT (files: any row)
//   winctl.exe set NAME TEXT             WM_SETTEXT, like a paste
//   winctl.exe click NAME                BM_CLICK; refused if the button is disabled
//   winctl.exe choose SECONDS PATH       fills the Send file dialog with PATH, presses Open
//   winctl.exe close                     WM_CLOSE, like the title bar's X
//   winctl.exe layout                    "dpi N", "client W H", then "name x y w h" per control
//
// Exit codes: 0 done, 1 usage, 3 no window, 4 timeout, 5 control disabled.
// Text in and out is UTF-8; `wait` and `dump` print the dump on stdout.
#include <windows.h>
#include <commctrl.h>
#include <dlgs.h>
#include <fcntl.h>
#include <io.h>
#include <shellapi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "platform/windows_text.h"
#include "window_ids_windows.h"

namespace ids = client::window_ids;
using platform::to_utf16;
using platform::to_utf8;

namespace {

const auto g_started = std::chrono::steady_clock::now();  // `wait SECONDS` counts from here

struct Named {
    const char* name;
    int id;
};
constexpr Named kControls[] = {
    {"code", ids::kCode},           {"connect", ids::kConnect},       {"disconnect", ids::kDisconnect},
    {"status", ids::kStatus},       {"route", ids::kRoute},           {"auth", ids::kAuth},
    {"control", ids::kControlState}, {"control-button", ids::kControlButton},
    {"files-state", ids::kFilesState}, {"files-button", ids::kFilesButton}, {"send", ids::kSend},
    {"prompt", ids::kPrompt},       {"allow", ids::kPromptAllow},     {"deny", ids::kPromptDeny},
    {"files", ids::kFiles}};

int id_of(const std::string& name) {
    for (const auto& c : kControls)
        if (name == c.name) return c.id;
    return 0;
}

std::string text_of(HWND h) {
    auto n = SendMessageW(h, WM_GETTEXTLENGTH, 0, 0);
    std::wstring w(static_cast<std::size_t>(n) + 1, L'\0');
    auto got = SendMessageW(h, WM_GETTEXT, w.size(), reinterpret_cast<LPARAM>(w.data()));
    w.resize(static_cast<std::size_t>(got));
    return to_utf8(w);
}

// The list view lives in another process: its LVITEMW and text buffer must
// too (the message carries a pointer that only means something there).
class RemoteBuffer {
public:
    RemoteBuffer(HWND h, std::size_t bytes) : bytes_(bytes) {
        DWORD pid = 0;
        GetWindowThreadProcessId(h, &pid);
        proc_ = OpenProcess(PROCESS_VM_OPERATION | PROCESS_VM_READ | PROCESS_VM_WRITE, FALSE, pid);
        if (proc_) mem_ = VirtualAllocEx(proc_, nullptr, bytes, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    }
    ~RemoteBuffer() {
        if (mem_) VirtualFreeEx(proc_, mem_, 0, MEM_RELEASE);
        if (proc_) CloseHandle(proc_);
    }
    bool ok() const { return mem_ != nullptr; }
    char* at(std::size_t off) const { return static_cast<char*>(mem_) + off; }
    void write(std::size_t off, const void* p, std::size_t n) { WriteProcessMemory(proc_, at(off), p, n, nullptr); }
    void read(std::size_t off, void* p, std::size_t n) { ReadProcessMemory(proc_, at(off), p, n, nullptr); }

private:
    HANDLE proc_ = nullptr;
    void* mem_ = nullptr;
    std::size_t bytes_;
};

// Every row of the list, its cells joined by " | ".
std::vector<std::string> list_rows(HWND list) {
    constexpr int kColumns = 6;
    constexpr std::size_t kChars = 2048, kTextAt = 256;  // the LVITEMW first, then the text
    std::vector<std::string> rows;
    RemoteBuffer buf(list, kTextAt + kChars * sizeof(wchar_t));
    if (!buf.ok()) return {"(cannot read the list: " + platform::last_error_text() + ")"};
    int n = static_cast<int>(SendMessageW(list, LVM_GETITEMCOUNT, 0, 0));
    for (int r = 0; r < n; ++r) {
        std::string row;
        for (int c = 0; c < kColumns; ++c) {
            LVITEMW it{};
            it.iSubItem = c;
            it.pszText = reinterpret_cast<wchar_t*>(buf.at(kTextAt));
            it.cchTextMax = kChars;
            buf.write(0, &it, sizeof it);
            auto len = SendMessageW(list, LVM_GETITEMTEXTW, r, reinterpret_cast<LPARAM>(buf.at(0)));
            std::wstring w(static_cast<std::size_t>(len), L'\0');
            if (len > 0) buf.read(kTextAt, w.data(), w.size() * sizeof(wchar_t));
            row += (c ? " | " : "") + to_utf8(w);
        }
        rows.push_back(row);
    }
    return rows;
}

std::string dump(HWND win) {
    std::string out;
    for (const auto& c : kControls) {
        HWND h = GetDlgItem(win, c.id);
        if (c.id == ids::kFiles) {
            for (const auto& row : list_rows(h)) out += std::string("files\t1\t") + row + "\n";
        } else {
            out += std::string(c.name) + "\t" + (IsWindowEnabled(h) ? "1" : "0") + "\t" + text_of(h) + "\n";
        }
    }
    return out;
}

bool contains(HWND win, int id, const std::string& want) {
    HWND h = GetDlgItem(win, id);
    if (id != ids::kFiles) return text_of(h).find(want) != std::string::npos;
    for (const auto& row : list_rows(h))
        if (row.find(want) != std::string::npos) return true;
    return false;
}

void print(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fflush(stdout);
}

// Polls every 100 ms until `found` returns a window, or `seconds` passed.
template <typename F>
HWND wait_for(double seconds, F found) {
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    for (;;) {
        if (HWND h = found()) return h;
        if (std::chrono::steady_clock::now() > end) return nullptr;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

// The first Edit among `parent`'s descendants (a dialog of another layout).
HWND first_edit(HWND parent) {
    HWND found = nullptr;
    EnumChildWindows(
        parent,
        [](HWND h, LPARAM p) -> BOOL {
            wchar_t cls[16] = {};
            GetClassNameW(h, cls, 16);
            if (lstrcmpiW(cls, L"Edit") != 0) return TRUE;
            *reinterpret_cast<HWND*>(p) = h;
            return FALSE;
        },
        reinterpret_cast<LPARAM>(&found));
    return found;
}

// The Send file dialog: its file name field (cmb13 in the Explorer-style
// dialog, edt1 in the old one), then Open.
int choose(double seconds, const std::string& path) {
    HWND dlg = wait_for(seconds, [] { return FindWindowW(L"#32770", ids::kSendDialogTitle); });
    if (!dlg) return 4;
    HWND name = GetDlgItem(dlg, cmb13);
    if (!name) name = GetDlgItem(dlg, edt1);
    if (!name) name = first_edit(dlg);
    if (!name) return 3;
    SendMessageW(name, WM_SETTEXT, 0, reinterpret_cast<LPARAM>(to_utf16(path).c_str()));
    PostMessageW(GetDlgItem(dlg, IDOK), BM_CLICK, 0, 0);
    return wait_for(seconds, [dlg] { return IsWindow(dlg) ? nullptr : dlg; }) ? 0 : 4;
}

// Where each control sits in the window's client area, in pixels.
std::string layout(HWND win) {
    RECT client;
    GetClientRect(win, &client);
    std::string out = "dpi " + std::to_string(GetDpiForWindow(win)) + "\nclient " + std::to_string(client.right) +
                      " " + std::to_string(client.bottom) + "\n";
    for (const auto& c : kControls) {
        RECT r;
        HWND h = GetDlgItem(win, c.id);
        GetWindowRect(h, &r);
        MapWindowPoints(nullptr, win, reinterpret_cast<POINT*>(&r), 2);
        out += std::string(c.name) + " " + std::to_string(r.left) + " " + std::to_string(r.top) + " " +
               std::to_string(r.right - r.left) + " " + std::to_string(r.bottom - r.top) + "\n";
    }
    return out;
}

int command(HWND win, const std::vector<std::string>& a) {
    const std::string& cmd = a[0];
    if (cmd == "dump") return print(dump(win)), 0;
    if (cmd == "layout") return print(layout(win)), 0;
    if (cmd == "close") return PostMessageW(win, WM_CLOSE, 0, 0), 0;
    if (cmd == "choose" && a.size() == 3) return choose(std::stod(a[1]), a[2]);
    int id = a.size() >= 2 ? id_of(a[cmd == "wait" ? 2 : 1]) : 0;
    if (!id) return 1;
    HWND h = GetDlgItem(win, id);
    if (cmd == "set" && a.size() == 3)
        return SendMessageW(h, WM_SETTEXT, 0, reinterpret_cast<LPARAM>(to_utf16(a[2]).c_str())), 0;
    if (cmd == "click" && a.size() == 2) {
        if (!IsWindowEnabled(h)) return 5;
        return PostMessageW(h, BM_CLICK, 0, 0), 0;
    }
    if (cmd == "wait" && a.size() == 4) {
        // SECONDS counts from winctl's start: the window's appearing is part of it.
        double left = std::stod(a[1]) - std::chrono::duration<double>(std::chrono::steady_clock::now() - g_started).count();
        bool ok = wait_for(std::max(left, 1.0), [&] { return contains(win, id, a[3]) ? win : nullptr; }) != nullptr;
        print(dump(win));
        return ok ? 0 : 4;
    }
    return 1;
}

}  // namespace

int main() {
    _setmode(_fileno(stdout), _O_BINARY);  // LF, as the tests compare
    int argc = 0;
    wchar_t** argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) args.push_back(to_utf8(argv[i]));
    if (args.empty()) return 1;
    // The window may still be starting (wine takes seconds): 30 s to appear,
    // or a `wait`'s own SECONDS if longer. The first program in a fresh
    // prefix under load took over 30 s, and `wait 120 status "Type the
    // code"` (the tests' "the window is up") then failed with "no window".
    double appear_s = 30;
    if (args[0] == "wait" && args.size() == 4) appear_s = std::max(appear_s, std::stod(args[1]));
    HWND win = wait_for(appear_s, [] { return FindWindowW(ids::kClass, nullptr); });
    if (!win) {
        std::fprintf(stderr, "winctl: no tether-client window\n");
        return 3;
    }
    return command(win, args);
}
