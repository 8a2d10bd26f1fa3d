// tether-client.exe's session, without any UI: one session from the code to
// its end, with the customer's side of the control channel
// (remote::CustomerControl), the screen on the rfb channel (WindowsScreen),
// F11/F12 and the control bar (WindowsConsent), file transfer on the file
// channel while F12 is on (--allow-files or the window's button), and the
// same visible state as the Linux client: the
// status line, supporter, authentication string and transfers, mirrored to
// --status-file with the same keys and sentences (client/client_app.cpp).
// --headless runs one session on the main thread; the window
// (window_windows.cpp) runs one after another on a worker thread and redraws
// from on_change().
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "consent_windows.h"
#include "remote/channels.h"
#include "remote/customer_control.h"
#include "remote/file_service.h"
#include "remote/status.h"
#include "screen_windows.h"

namespace client {

struct HeadlessConfig {
    std::string name, status_file, download_dir;
    bool allow_control = false, allow_files = false;  // at the start; F11/F12 toggle them
    // The supporter's "Request control" is shown as a prompt (the window:
    // Allow / Deny, answer_control_request()); without one (--headless) the
    // desk hears "unavailable" and the customer still has F11.
    bool prompt_control = false;
    std::vector<std::string> send_files;
    std::uint64_t file_rate_limit = 0;  // bytes/s, 0 = none
};

class HeadlessClient {
public:
    HeadlessClient(HeadlessConfig cfg, std::unique_ptr<remote::ClientConnector> connector);
    // Blocks for the whole session; returns the last status line
    // ("Session ended: <why>", or "Could not connect: <why>").
    std::string run(const std::string& code);
    // After run(): true when no session took place (the exit status says so).
    bool failed() {
        std::lock_guard<std::mutex> lk(mu_);
        return view_.failed;
    }
    void stop();  // any thread (Ctrl+C, Disconnect); the next run() starts afresh

    // Called on a session thread after the view or the transfers changed,
    // with a lock held: post to the GUI from it, never call back in. Set
    // before run().
    void on_change(std::function<void()> f) { notify_ = std::move(f); }
    remote::CustomerView view() const {
        std::lock_guard<std::mutex> lk(mu_);
        return view_;
    }
    std::vector<remote::TransferRow> transfers() const { return files_.rows(); }
    // Offers a file to the supporter (any thread; hashed on a worker). The
    // row fails at once without a session, or says F12 is off.
    void send_file(const std::string& path) { files_.send(path); }
    // The customer's buttons, like F11 and F12 (any thread; no-op between sessions).
    void toggle_control();
    void toggle_files();
    // The screen's one-time start-up, before the first session needs it
    // (client::WarmUp's thread). Any thread.
    void warm_up_screen() { screen_.warm_up(); }
    // The customer's answer to the supporter's request (view().control_asked):
    // Allow turns control on like F11, Deny tells the desk. Any thread.
    void answer_control_request(bool allow);

private:
    using View = remote::CustomerView;
    void update(const std::function<void(View&)>& f);
    std::string serve(remote::CustomerControl& control, remote::Channels ch);

    HeadlessConfig cfg_;
    std::unique_ptr<remote::ClientConnector> connector_;
    std::function<void()> notify_;
    mutable std::mutex mu_;  // view_, printed_
    View view_;
    std::uint64_t printed_ = 0;  // transfers printed on stderr so far (remote::ended_lines)
    std::mutex session_mu_;  // control_; taken before mu_, never after
    remote::CustomerControl* control_ = nullptr;
    bool stopped_ = false;
    std::atomic<bool> files_allowed_{false};  // F12 of the session being served
    remote::FileService files_;
    // What the injector sends, so that the watcher of the customer's hands
    // tells it apart (declared before its users).
    std::shared_ptr<wininput::InjectedInput> injected_ = wininput::make_injected_record();
    WindowsConsent consent_;
    WindowsScreen screen_;  // injects through injected_'s injector
};

}  // namespace client
