// tether-client without its window: connects, runs one ClientSession at a
// time with file transfer beside it (remote::FileService on the file
// channel, allowed only while F12 is on), keeps the visible state (status
// line, supporter, permissions, transfers) and mirrors it to --status-file.
// The FLTK window and the headless mode both drive this class; it never
// touches FLTK.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "remote/channels.h"
#include "remote/chat.h"
#include "remote/session_recorder.h"
#include "screen/client_session.h"
#include "remote/file_service.h"
#include "remote/status.h"

namespace client {

struct Config {
    std::string display;      // X display to serve; empty = $DISPLAY
    std::string relay;        // named in the customer's own session record
    std::string name;         // shown to the supporter
    std::string status_file;  // optional
    remote::ConsentState initial;  // --allow-control / --allow-files
    std::string download_dir;      // received files (--download-dir)
    std::vector<std::string> send_files;  // offered once connected (--send-file)
    std::uint64_t file_rate_limit = 0;    // bytes/s on the file channel, 0 = none
};

// What the window shows (remote/status.h). Copied out under the lock.
using View = remote::CustomerView;

class App {
public:
    App(Config cfg, std::unique_ptr<remote::ClientConnector> connector);
    ~App();

    // Called on any thread after the View changed (the window wakes FLTK).
    void on_change(std::function<void()> f) { notify_ = std::move(f); }
    // Starts connecting in the background; ignored while a session is active.
    void connect(const std::string& code);
    void disconnect();  // any thread
    void wait();        // blocks until the current session ended
    // A customer-side toggle (GUI button); same effect as the hotkey.
    void toggle(desktop::Hotkey k);
    // The customer's answer to the supporter's request for control (the
    // prompt's Allow / Deny). Allow is F11; Deny tells the supporter.
    void answer_control_request(bool allow);
    View view() const;
    // Offers a file to the supporter (any thread; the offer goes from a worker).
    // Refused by the library while F12 is off; the row says why.
    void send_file(const std::string& path) { files_.send(path); }
    std::vector<remote::TransferRow> transfers() const { return files_.rows(); }
    remote::FileService& files() { return files_; }  // the window's transfer panel: cancel, retry

    // Chat (remote/chat.h; no consent needed). Any thread. Typed before the
    // supporter's hello: sent once it came. True when sent or queued; a
    // refusal is chat_error() and goes to on_chat_error.
    bool send_chat(const std::string& text);
    std::vector<remote::ChatLine> chat() const { return chat_.lines(); }
    int chat_unread() const { return chat_.unread(); }
    std::string chat_error() const;
    void chat_read();  // the customer looked at the chat
    void on_chat(std::function<void(const remote::ChatLine&)> f) { on_chat_ = std::move(f); }
    void on_chat_error(std::function<void(const std::string&)> f) { on_chat_error_ = std::move(f); }
    // The customer's own record of the current or last session ("what did
    // the supporter do?"), as sentences; kept until the next Connect.
    std::vector<std::string> record_lines() const;

private:
    void run_session(const std::string& code);
    void update(const std::function<void(View&)>& f);
    std::string serve(screen::ClientSession& session, remote::Channels ch);
    void add_chat(const remote::ChatLine& l);
    void chat_refused(const std::string& why);
    void record(const std::function<void(remote::SessionRecord&)>& f);
    void record_files();

    Config cfg_;
    std::unique_ptr<remote::ClientConnector> connector_;
    std::function<void()> notify_;
    mutable std::mutex mu_;
    View view_;
    std::mutex session_mu_;                     // guards session_; taken before mu_, never after
    screen::ClientSession* session_ = nullptr;  // during a session
    bool disconnecting_ = false;                // guarded by session_mu_: disconnect() before session_ was set
    // The session whose F12 state the file channel obeys; set while
    // files_ runs on its channel (cleared only after files_.stop()).
    std::atomic<screen::ClientSession*> consent_of_{nullptr};
    remote::FileService files_;  // after consent_of_: its predicate reads it
    std::thread worker_;
    remote::ChatLog chat_;
    std::string chat_error_;  // under mu_
    std::function<void(const remote::ChatLine&)> on_chat_;
    std::function<void(const std::string&)> on_chat_error_;
    remote::ChatOutbox chat_out_;            // what the customer types (its state under session_mu_)
    remote::SessionRecorder recorder_;  // in memory; the last session's until the next one
};

}  // namespace client
