// The names of tether-client.exe's window and of its controls, shared by the
// window (window_windows.cpp) and the test driver that reads and presses them
// from another process (tests/winclient/winctl_windows.cpp). A control is
// found with GetDlgItem(window, id).
#pragma once

namespace client::window_ids {

constexpr wchar_t kClass[] = L"TetherCustomerWindow";
constexpr wchar_t kTitle[] = L"Tether customer";
// The title of the Send file dialog (GetOpenFileNameW).
constexpr wchar_t kSendDialogTitle[] = L"Send file to supporter";

enum : int {
    kCode = 101,         // edit: the code; anything but digits is removed
    kConnect,            // button
    kDisconnect,         // button
    kStatus,             // static: the status line (remote::CustomerView::status)
    kRoute,              // static: "Through the relay R ..." once connected
    kAuth,               // static: "Security code 123 456: ..." once connected
    kControlState,       // static: "Remote control: off  [F11]", colored
    kControlButton,      // button: "Allow control" / "Stop control"
    kFilesState,         // static: "File transfer: off  [F12]", colored
    kFilesButton,        // button: "Allow file transfer" / "Stop file transfer"
    kSend,               // button: "Send file to supporter..."
    kDropHint,           // static
    kFilesLabel,         // static
    kFiles,              // list view (report): File, Direction, Size, Progress, Speed, Saved to
    kCodeLabel,          // static
    // The supporter's "Request control" (shown only while asked; empty and
    // disabled otherwise):
    kPrompt,             // static: "Bob asks to control your computer. ...", orange
    kPromptAllow,        // button: "Allow": control on, like F11
    kPromptDeny,         // button: "Deny": the desk is told
};

}  // namespace client::window_ids
