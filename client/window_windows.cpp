#include "window_windows.h"

// clang-format off
#include <windows.h>
#include <commctrl.h>  // the W messages by name: UNICODE is not defined
#include <commdlg.h>
#include <shellapi.h>
// clang-format on

#include <algorithm>
#include <atomic>
#include <cwchar>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <thread>
#include <vector>

#include "platform/windows_text.h"
#include "remote/status.h"
#include "transfer_cells.h"
#include "window_ids_windows.h"
#include "wire/session_code.h"

namespace client {
namespace {

namespace ids = window_ids;

// Posted by a session thread when the app's view changed (coalesced).
constexpr UINT kMsgRefresh = WM_APP + 1;

// The Linux window's permission colors (client_window.h).
constexpr COLORREF kOff = RGB(0xDD, 0xDD, 0xDD), kControlOn = RGB(0xE0, 0x5A, 0x00),
                   kFilesOn = RGB(0x1E, 0x78, 0xC8);

// Layout in pixels at 96 DPI (100%), scaled by the window's DPI. The minimum
// client area fits every control without clipping; the files list takes
// whatever the customer adds by resizing.
constexpr int kMinWidth96 = 560, kMinHeight96 = 546, kMargin96 = 12, kRow96 = 30;
constexpr int kBodyPoints = 10, kCodePoints = 14;  // font sizes in points (1/72 inch)

struct Column {
    const wchar_t* title;
    int width96;
};
constexpr Column kColumns[] = {{L"File", 140}, {L"Direction", 100}, {L"Size", 70},
                               {L"Progress", 90}, {L"Speed", 80},   {L"Saved to", 300}};

// One session at a time on a worker thread: the window never waits for the
// relay, the desk or a file. `ended` runs on that thread when a session ended.
class SessionThread {
public:
    SessionThread(HeadlessClient& app, std::function<void()> ended) : app_(app), ended_(std::move(ended)) {}
    ~SessionThread() {
        app_.stop();
        if (t_.joinable()) t_.join();
    }
    void start(const std::string& code) {
        if (running_) return;
        if (t_.joinable()) t_.join();  // the last one has finished
        running_ = true;
        t_ = std::thread([this, code] {
            app_.run(code);
            running_ = false;
            ended_();
        });
    }
    bool running() const { return running_; }

private:
    HeadlessClient& app_;
    std::function<void()> ended_;
    std::atomic<bool> running_{false};
    std::thread t_;
};

// OFN_EXPLORER multi-select gives "folder\0name1\0name2\0\0"; one file, its path.
std::vector<std::wstring> chosen_paths(const wchar_t* buf) {
    std::wstring first = buf;
    const wchar_t* p = buf + first.size() + 1;
    if (!*p) return {first};
    std::vector<std::wstring> out;
    for (; *p; p += std::wcslen(p) + 1) out.push_back(first + L"\\" + p);
    return out;
}

// The system's UI face at `points` for `dpi`.
HFONT make_font(int points, UINT dpi, bool bold) {
    NONCLIENTMETRICSW m{};
    m.cbSize = sizeof m;
    SystemParametersInfoW(SPI_GETNONCLIENTMETRICS, sizeof m, &m, 0);
    LOGFONTW f = m.lfMessageFont;
    f.lfHeight = -MulDiv(points, static_cast<int>(dpi), 72);
    f.lfWeight = bold ? FW_BOLD : FW_NORMAL;
    return CreateFontIndirectW(&f);
}

// Per-monitor (v2 where the system has it): GetDpiForWindow then gives the
// monitor's real DPI and WM_DPICHANGED arrives when it changes. Fails
// harmlessly if something set the awareness already.
void become_dpi_aware() {
    if (!SetProcessDpiAwarenessContext(DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2))
        SetProcessDpiAwarenessContext(DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE);
}

class CustomerWindow {
public:
    CustomerWindow(HeadlessClient& app, const std::string& code, const std::string& download_dir);
    ~CustomerWindow();
    int loop();

private:
    static LRESULT CALLBACK proc(HWND h, UINT m, WPARAM w, LPARAM l);
    LRESULT handle(UINT m, WPARAM w, LPARAM l);
    void create_controls(const std::string& code);
    HWND add(const wchar_t* cls, const wchar_t* text, DWORD style, int id, DWORD ex = 0);
    HWND item(int id) const { return GetDlgItem(hwnd_, id); }
    int px(int v96) const { return MulDiv(v96, static_cast<int>(dpi_), 96); }
    void apply_dpi(UINT dpi);
    void layout();
    void fit_to_dpi();
    void on_command(int id, int code);
    void on_code_edit();
    void connect();
    void choose_and_send();
    void on_drop(HDROP drop);
    void refresh_prompt(const remote::CustomerView& v, bool linked);
    LRESULT state_colors(HDC dc, HWND ctl);
    void post_refresh();
    void refresh();
    void refresh_files();
    void set_text(int id, const std::string& utf8);
    std::string text(int id) const;
    void enable(int id, bool on) { EnableWindow(item(id), on); }

    HeadlessClient& app_;
    TransferCells cells_;
    std::vector<TransferRowCells> shown_;  // the list's rows as drawn
    remote::ConsentState consent_;        // as drawn (the state boxes' colors)
    bool asked_ = false;                  // the control prompt is shown
    HWND hwnd_ = nullptr;
    UINT dpi_ = 96;
    HFONT body_ = nullptr, bold_ = nullptr, big_ = nullptr;
    HBRUSH off_brush_, control_brush_, files_brush_;
    std::atomic<bool> refresh_posted_{false};
    SessionThread session_;  // last: stops and joins before the rest goes
};

CustomerWindow::CustomerWindow(HeadlessClient& app, const std::string& code, const std::string& download_dir)
    : app_(app), cells_(download_dir), off_brush_(CreateSolidBrush(kOff)),
      control_brush_(CreateSolidBrush(kControlOn)), files_brush_(CreateSolidBrush(kFilesOn)),
      session_(app, [this] { post_refresh(); }) {
    become_dpi_aware();
    INITCOMMONCONTROLSEX icc{sizeof icc, ICC_LISTVIEW_CLASSES | ICC_STANDARD_CLASSES};
    InitCommonControlsEx(&icc);
    HINSTANCE inst = GetModuleHandleW(nullptr);
    WNDCLASSEXW wc{};
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = proc;
    wc.hInstance = inst;
    wc.hCursor = LoadCursorW(nullptr, MAKEINTRESOURCEW(32512))  /* IDC_ARROW */;
    wc.hIcon = LoadIconW(nullptr, MAKEINTRESOURCEW(32512))  /* IDI_APPLICATION */;
    wc.hbrBackground = reinterpret_cast<HBRUSH>(COLOR_BTNFACE + 1);
    wc.lpszClassName = ids::kClass;
    RegisterClassExW(&wc);
    // WS_EX_CONTROLPARENT: Tab moves between the controls (IsDialogMessage).
    hwnd_ = CreateWindowExW(WS_EX_CONTROLPARENT | WS_EX_ACCEPTFILES, ids::kClass, ids::kTitle,
                            WS_OVERLAPPEDWINDOW | WS_CLIPCHILDREN, CW_USEDEFAULT, CW_USEDEFAULT, 0, 0, nullptr,
                            nullptr, inst, this);
    if (!hwnd_) throw std::runtime_error("cannot open the window: " + platform::last_error_text());
    create_controls(code);
    app_.on_change([this] { post_refresh(); });
    apply_dpi(GetDpiForWindow(hwnd_));
    fit_to_dpi();
    refresh();
    ShowWindow(hwnd_, SW_SHOWNORMAL);
    SetFocus(item(ids::kCode));
}

CustomerWindow::~CustomerWindow() {
    for (HGDIOBJ o : {HGDIOBJ(body_), HGDIOBJ(bold_), HGDIOBJ(big_)})
        if (o) DeleteObject(o);
    for (HBRUSH b : {off_brush_, control_brush_, files_brush_}) DeleteObject(b);
}

HWND CustomerWindow::add(const wchar_t* cls, const wchar_t* text, DWORD style, int id, DWORD ex) {
    return CreateWindowExW(ex, cls, text, WS_CHILD | WS_VISIBLE | style, 0, 0, 0, 0, hwnd_,
                           reinterpret_cast<HMENU>(static_cast<INT_PTR>(id)), GetModuleHandleW(nullptr), nullptr);
}

void CustomerWindow::create_controls(const std::string& code) {
    add(L"STATIC", L"Code:", SS_LEFT, ids::kCodeLabel);
    // Room for a pasted "482 913 075" or "482-913": on_code_edit keeps the digits.
    HWND edit = add(L"EDIT", platform::to_utf16(code).c_str(), WS_TABSTOP | ES_AUTOHSCROLL, ids::kCode,
                    WS_EX_CLIENTEDGE);
    SendMessageW(edit, EM_SETLIMITTEXT, 32, 0);
    add(L"BUTTON", L"Connect", WS_TABSTOP | BS_DEFPUSHBUTTON, ids::kConnect);
    add(L"BUTTON", L"Disconnect", WS_TABSTOP | BS_PUSHBUTTON, ids::kDisconnect);
    add(L"STATIC", L"", SS_LEFT, ids::kStatus);
    add(L"STATIC", L"", SS_LEFT | SS_ENDELLIPSIS, ids::kRoute);
    add(L"STATIC", L"", SS_LEFT, ids::kAuth);
    add(L"STATIC", L"", SS_LEFT, ids::kPrompt);
    add(L"BUTTON", L"Allow", WS_TABSTOP | BS_PUSHBUTTON, ids::kPromptAllow);
    add(L"BUTTON", L"Deny", WS_TABSTOP | BS_PUSHBUTTON, ids::kPromptDeny);
    add(L"STATIC", L"", SS_CENTER | SS_CENTERIMAGE, ids::kControlState);
    add(L"BUTTON", L"", WS_TABSTOP | BS_PUSHBUTTON, ids::kControlButton);
    add(L"STATIC", L"", SS_CENTER | SS_CENTERIMAGE, ids::kFilesState);
    add(L"BUTTON", L"", WS_TABSTOP | BS_PUSHBUTTON, ids::kFilesButton);
    add(L"BUTTON", L"Send file to supporter...", WS_TABSTOP | BS_PUSHBUTTON, ids::kSend);
    add(L"STATIC", L"or drop files onto this window", SS_LEFT, ids::kDropHint);
    add(L"STATIC", L"Files (sent and received):", SS_LEFT, ids::kFilesLabel);
    HWND list = add(WC_LISTVIEWW, L"", WS_TABSTOP | LVS_REPORT | LVS_SHOWSELALWAYS | LVS_NOSORTHEADER, ids::kFiles,
                    WS_EX_CLIENTEDGE);
    ListView_SetExtendedListViewStyle(list, LVS_EX_FULLROWSELECT);
    for (int i = 0; i < static_cast<int>(std::size(kColumns)); ++i) {
        LVCOLUMNW c{};
        c.mask = LVCF_TEXT | LVCF_WIDTH;
        c.pszText = const_cast<wchar_t*>(kColumns[i].title);
        c.cx = kColumns[i].width96;
        SendMessageW(list, LVM_INSERTCOLUMNW, i, reinterpret_cast<LPARAM>(&c));
    }
}

// Fonts and positions for `dpi` (at start and on WM_DPICHANGED).
void CustomerWindow::apply_dpi(UINT dpi) {
    dpi_ = dpi ? dpi : 96;
    HFONT old[] = {body_, bold_, big_};
    body_ = make_font(kBodyPoints, dpi_, false);
    bold_ = make_font(kBodyPoints, dpi_, true);
    big_ = make_font(kCodePoints, dpi_, false);
    for (HWND c = GetWindow(hwnd_, GW_CHILD); c; c = GetWindow(c, GW_HWNDNEXT)) {
        int id = GetDlgCtrlID(c);
        HFONT f = id == ids::kCode ? big_ : id == ids::kAuth || id == ids::kPrompt ? bold_ : body_;
        SendMessageW(c, WM_SETFONT, reinterpret_cast<WPARAM>(f), FALSE);
    }
    for (HFONT f : old)
        if (f) DeleteObject(f);
    for (int i = 0; i < static_cast<int>(std::size(kColumns)); ++i)
        ListView_SetColumnWidth(item(ids::kFiles), i, px(kColumns[i].width96));
    layout();
    InvalidateRect(hwnd_, nullptr, TRUE);
}

// The window's size for its DPI: the minimum client area plus the frame.
void CustomerWindow::fit_to_dpi() {
    RECT r{0, 0, px(kMinWidth96), px(kMinHeight96 + 60)};
    AdjustWindowRectExForDpi(&r, GetWindowLongW(hwnd_, GWL_STYLE), FALSE, GetWindowLongW(hwnd_, GWL_EXSTYLE), dpi_);
    SetWindowPos(hwnd_, nullptr, 0, 0, r.right - r.left, r.bottom - r.top, SWP_NOMOVE | SWP_NOZORDER);
}

// Rows from the top; widths follow the window's width, the list its height.
void CustomerWindow::layout() {
    RECT rc;
    GetClientRect(hwnd_, &rc);
    int W = std::max(MulDiv(rc.right, 96, static_cast<int>(dpi_)), kMinWidth96);
    int H = std::max(MulDiv(rc.bottom, 96, static_cast<int>(dpi_)), kMinHeight96);
    const int m = kMargin96, full = W - 2 * m, right = W - m, button = 180;
    auto place = [&](int id, int x, int y, int w, int h) { MoveWindow(item(id), px(x), px(y), px(w), px(h), TRUE); };
    int y = m;
    place(ids::kCodeLabel, m, y + 9, 50, 22);
    place(ids::kCode, m + 54, y, 170, 36);
    place(ids::kConnect, m + 234, y + 2, 120, 32);
    place(ids::kDisconnect, right - 120, y + 2, 120, 32);
    y += 46;
    place(ids::kStatus, m, y, full, 40);  // two lines: the reasons can be long
    y += 42;
    place(ids::kRoute, m, y, full, 20);
    y += 22;
    place(ids::kAuth, m, y, full, 20);
    y += 28;
    // The supporter's request, its own row (empty while not asked): two
    // lines of words, then Allow and Deny.
    place(ids::kPrompt, m, y, full - 2 * 100 - 16, 40);
    place(ids::kPromptAllow, right - 2 * 100 - 8, y + 4, 100, 32);
    place(ids::kPromptDeny, right - 100, y + 4, 100, 32);
    y += 46;
    place(ids::kControlState, m, y, full - button - 8, kRow96);
    place(ids::kControlButton, right - button, y, button, kRow96);
    y += kRow96 + 6;
    place(ids::kFilesState, m, y, full - button - 8, kRow96);
    place(ids::kFilesButton, right - button, y, button, kRow96);
    y += kRow96 + 12;
    place(ids::kSend, m, y, 220, kRow96);
    place(ids::kDropHint, m + 230, y + 7, full - 230, 20);
    y += kRow96 + 12;
    place(ids::kFilesLabel, m, y, full, 20);
    y += 22;
    place(ids::kFiles, m, y, full, std::max(H - y - m, 80));
}

int CustomerWindow::loop() {
    MSG msg;
    while (GetMessageW(&msg, nullptr, 0, 0) > 0) {
        if (IsDialogMessageW(hwnd_, &msg)) continue;  // Tab, and Return = Connect (IDOK)
        TranslateMessage(&msg);
        DispatchMessageW(&msg);
    }
    return 0;
}

LRESULT CALLBACK CustomerWindow::proc(HWND h, UINT m, WPARAM w, LPARAM l) {
    if (m == WM_NCCREATE) {
        auto* self = static_cast<CustomerWindow*>(reinterpret_cast<CREATESTRUCTW*>(l)->lpCreateParams);
        self->hwnd_ = h;
        SetWindowLongPtrW(h, GWLP_USERDATA, reinterpret_cast<LONG_PTR>(self));
    }
    auto* self = reinterpret_cast<CustomerWindow*>(GetWindowLongPtrW(h, GWLP_USERDATA));
    return self ? self->handle(m, w, l) : DefWindowProcW(h, m, w, l);
}

LRESULT CustomerWindow::handle(UINT m, WPARAM w, LPARAM l) {
    switch (m) {
    case kMsgRefresh:
        refresh_posted_ = false;
        refresh();
        return 0;
    case WM_COMMAND: on_command(LOWORD(w), HIWORD(w)); return 0;
    case WM_DROPFILES: on_drop(reinterpret_cast<HDROP>(w)); return 0;
    case WM_CTLCOLORSTATIC: {
        LRESULT brush = state_colors(reinterpret_cast<HDC>(w), reinterpret_cast<HWND>(l));
        if (brush) return brush;
        break;
    }
    case WM_SIZE: layout(); return 0;
    case WM_GETMINMAXINFO: {
        RECT r{0, 0, px(kMinWidth96), px(kMinHeight96)};
        AdjustWindowRectExForDpi(&r, GetWindowLongW(hwnd_, GWL_STYLE), FALSE, GetWindowLongW(hwnd_, GWL_EXSTYLE), dpi_);
        reinterpret_cast<MINMAXINFO*>(l)->ptMinTrackSize = {r.right - r.left, r.bottom - r.top};
        return 0;
    }
    case WM_DPICHANGED: {  // moved to a monitor of another scale: the system suggests the new rectangle
        const RECT* r = reinterpret_cast<const RECT*>(l);
        dpi_ = HIWORD(w);
        SetWindowPos(hwnd_, nullptr, r->left, r->top, r->right - r->left, r->bottom - r->top,
                     SWP_NOZORDER | SWP_NOACTIVATE);
        apply_dpi(HIWORD(w));
        return 0;
    }
    case WM_CLOSE: app_.stop(); break;  // then DestroyWindow; the session's end is joined after the loop
    case WM_DESTROY: PostQuitMessage(0); return 0;
    }
    return DefWindowProcW(hwnd_, m, w, l);
}

void CustomerWindow::on_command(int id, int code) {
    switch (id) {
    case ids::kCode:
        if (code == EN_CHANGE) on_code_edit();
        break;
    case IDOK:  // Return (IsDialogMessage)
    case ids::kConnect: connect(); break;
    case ids::kDisconnect: app_.stop(); break;
    case ids::kControlButton: app_.toggle_control(); break;
    case ids::kFilesButton: app_.toggle_files(); break;
    case ids::kPromptAllow: app_.answer_control_request(true); break;
    case ids::kPromptDeny: app_.answer_control_request(false); break;
    case ids::kSend: choose_and_send(); break;
    }
}

// Digits only, at most kMaxCodeDigits: what was pasted with spaces or
// dashes becomes the code at once (setting the text calls this again, then
// nothing changes).
void CustomerWindow::on_code_edit() {
    std::string typed = text(ids::kCode);
    std::string digits = wire::session_code_digits(typed).substr(0, wire::kMaxCodeDigits);
    if (digits != typed) {
        HWND edit = item(ids::kCode);
        SetWindowTextW(edit, platform::to_utf16(digits).c_str());
        SendMessageW(edit, EM_SETSEL, digits.size(), digits.size());
    }
    refresh();
}

// 6 digits usually, 9 while the relay sees code guessing: joining waits for
// Connect, since the first 6 digits of a 9-digit code are no code.
void CustomerWindow::connect() {
    std::string code = text(ids::kCode);
    if (!wire::valid_session_code(code) || session_.running()) return;
    session_.start(code);
    refresh();
}

// Modal on this thread, which is only the window's: the session and its
// transfers go on on their own threads, and this window still redraws
// (the dialog's loop dispatches our messages). Hashing and sending run on
// the file service's worker.
void CustomerWindow::choose_and_send() {
    std::wstring buf(32 * 1024, L'\0');  // several long paths
    OPENFILENAMEW ofn{};
    ofn.lStructSize = sizeof ofn;
    ofn.hwndOwner = hwnd_;
    ofn.lpstrFile = buf.data();
    ofn.nMaxFile = static_cast<DWORD>(buf.size());
    ofn.lpstrTitle = ids::kSendDialogTitle;
    ofn.Flags = OFN_EXPLORER | OFN_ALLOWMULTISELECT | OFN_FILEMUSTEXIST | OFN_PATHMUSTEXIST | OFN_NOCHANGEDIR;
    if (!GetOpenFileNameW(&ofn)) return;  // cancelled
    for (const auto& path : chosen_paths(buf.c_str())) app_.send_file(platform::to_utf8(path));
}

// Files dropped from Explorer (WS_EX_ACCEPTFILES): sent like chosen ones.
void CustomerWindow::on_drop(HDROP drop) {
    UINT n = DragQueryFileW(drop, 0xFFFFFFFF, nullptr, 0);
    for (UINT i = 0; i < n; ++i) {
        std::wstring path(DragQueryFileW(drop, i, nullptr, 0), L'\0');
        DragQueryFileW(drop, i, path.data(), static_cast<UINT>(path.size() + 1));
        app_.send_file(platform::to_utf8(path));
    }
    DragFinish(drop);
}

// The consent boxes in the Linux window's colors, the prompt in control's
// orange; 0 for every other static.
LRESULT CustomerWindow::state_colors(HDC dc, HWND ctl) {
    int id = GetDlgCtrlID(ctl);
    if (id == ids::kPrompt && asked_) {
        SetBkColor(dc, kControlOn);
        SetTextColor(dc, RGB(255, 255, 255));
        return reinterpret_cast<LRESULT>(control_brush_);
    }
    if (id != ids::kControlState && id != ids::kFilesState) return 0;
    bool on = id == ids::kControlState ? consent_.control : consent_.files;
    HBRUSH brush = !on ? off_brush_ : id == ids::kControlState ? control_brush_ : files_brush_;
    SetBkColor(dc, !on ? kOff : id == ids::kControlState ? kControlOn : kFilesOn);
    SetTextColor(dc, on ? RGB(255, 255, 255) : RGB(0, 0, 0));
    return reinterpret_cast<LRESULT>(brush);
}

// Any thread: at most one refresh waits in the queue.
void CustomerWindow::post_refresh() {
    if (!refresh_posted_.exchange(true)) PostMessageW(hwnd_, kMsgRefresh, 0, 0);
}

void CustomerWindow::refresh() {
    remote::CustomerView v = app_.view();
    bool active = v.active || session_.running(), linked = v.active && !v.auth.empty();
    set_text(ids::kStatus, v.status);
    set_text(ids::kRoute, v.route.empty() ? "" : "Through " + v.route);
    set_text(ids::kAuth, v.auth.empty() ? "" : "Security code " + v.auth + ": your supporter must read you the same.");
    set_text(ids::kControlState, remote::control_label(v.consent.control));
    set_text(ids::kFilesState, remote::files_label(v.consent.files));
    set_text(ids::kControlButton, v.consent.control ? "Stop control" : "Allow control");
    set_text(ids::kFilesButton, v.consent.files ? "Stop file transfer" : "Allow file transfer");
    if (v.consent != consent_) {
        consent_ = v.consent;
        InvalidateRect(item(ids::kControlState), nullptr, TRUE);
        InvalidateRect(item(ids::kFilesState), nullptr, TRUE);
    }
    enable(ids::kCode, !active);
    enable(ids::kConnect, !active && wire::valid_session_code(text(ids::kCode)));
    enable(ids::kDisconnect, active);
    enable(ids::kSend, active);
    enable(ids::kControlButton, linked);
    enable(ids::kFilesButton, linked);
    refresh_prompt(v, linked);
    refresh_files();
}

// The supporter's request: shown (and the window raised) while it waits for
// an answer; only Allow (or F11) grants control. Hidden, its controls are
// empty and disabled, so nothing can answer a question not asked.
void CustomerWindow::refresh_prompt(const remote::CustomerView& v, bool linked) {
    bool asked = v.control_asked && linked;
    set_text(ids::kPrompt, asked ? remote::control_request_prompt(v.peer) : "");
    for (int id : {ids::kPrompt, ids::kPromptAllow, ids::kPromptDeny}) {
        enable(id, asked);
        ShowWindow(item(id), asked ? SW_SHOW : SW_HIDE);
    }
    if (asked && !asked_) {
        ShowWindow(hwnd_, SW_SHOWNORMAL);  // the question must be seen
        SetForegroundWindow(hwnd_);
    }
    if (asked != asked_) InvalidateRect(item(ids::kPrompt), nullptr, TRUE);
    asked_ = asked;
}

// Rows are only appended (FileService); cells are rewritten when they changed.
void CustomerWindow::refresh_files() {
    HWND list = item(ids::kFiles);
    auto cells = cells_.cells(app_.transfers(), TransferCells::Clock::now());
    bool added = false;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        int row = static_cast<int>(i);
        if (i >= shown_.size()) {
            LVITEMW it{};
            it.mask = LVIF_TEXT;
            it.iItem = row;
            it.pszText = const_cast<wchar_t*>(L"");
            SendMessageW(list, LVM_INSERTITEMW, 0, reinterpret_cast<LPARAM>(&it));
            shown_.emplace_back();
            added = true;
        }
        if (cells[i] == shown_[i]) continue;
        const auto& c = cells[i];
        int col = 0;
        for (const std::string* s : {&c.name, &c.direction, &c.size, &c.progress, &c.speed, &c.saved_to}) {
            std::wstring w = platform::to_utf16(*s);
            LVITEMW it{};
            it.iSubItem = col++;
            it.pszText = w.data();
            SendMessageW(list, LVM_SETITEMTEXTW, row, reinterpret_cast<LPARAM>(&it));
        }
        shown_[i] = c;
    }
    if (added) ListView_EnsureVisible(list, static_cast<int>(cells.size()) - 1, FALSE);
}

void CustomerWindow::set_text(int id, const std::string& utf8) {
    if (text(id) != utf8) SetWindowTextW(item(id), platform::to_utf16(utf8).c_str());
}

std::string CustomerWindow::text(int id) const {
    HWND h = item(id);
    std::wstring w(static_cast<std::size_t>(GetWindowTextLengthW(h)) + 1, L'\0');
    w.resize(static_cast<std::size_t>(GetWindowTextW(h, w.data(), static_cast<int>(w.size()))));
    return platform::to_utf8(w);
}

}  // namespace

int run_window(HeadlessClient& app, const std::string& code, const std::string& download_dir) {
    int status;
    {
        CustomerWindow window(app, code, download_dir);
        status = window.loop();
    }  // the session has ended and its thread is joined
    app.on_change(nullptr);
    return status;
}

}  // namespace client
