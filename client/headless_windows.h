// tether-client.exe --headless: one session from the code to its end, with
// the customer's side of the control channel (remote::CustomerControl: no
// screen until issue 15), file transfer on the file channel while F12 is on
// (--allow-files), and the same visible state as the Linux client: the
// status line, supporter, authentication string and transfers, mirrored to
// --status-file with the same keys and sentences (client/client_app.cpp).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "remote/channels.h"
#include "remote/customer_control.h"
#include "remote/file_service.h"
#include "remote/status.h"

namespace client {

struct HeadlessConfig {
    std::string name, status_file, download_dir;
    bool allow_files = false;
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
    void stop();  // any thread (Ctrl+C)

private:
    using View = remote::CustomerView;
    void update(const std::function<void(View&)>& f);
    std::string serve(remote::CustomerControl& control, remote::Channels ch);

    HeadlessConfig cfg_;
    std::unique_ptr<remote::ClientConnector> connector_;
    std::mutex mu_;  // view_, printed_
    View view_;
    std::uint64_t printed_ = 0;  // transfers printed on stderr so far (remote::ended_lines)
    std::mutex session_mu_;  // control_; taken before mu_, never after
    remote::CustomerControl* control_ = nullptr;
    bool stopped_ = false;
    std::atomic<bool> files_allowed_{false};  // F12 of the session being served
    remote::FileService files_;
};

}  // namespace client
