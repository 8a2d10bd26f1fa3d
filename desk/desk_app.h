// tether-desk without its window: opens a session, shows the code, runs one
// DeskSession with file transfer beside it (remote::FileService on the file
// channel), keeps the visible state, writes --snapshot after the first full
// frame, runs the --vnc-listen bridge, mirrors state and transfers to
// --status-file.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "code_countdown.h"
#include "remote/channels.h"
#include "remote/chat.h"
#include "remote/session_recorder.h"
#include "screen/desk_session.h"
#include "remote/file_service.h"
#include "screen/vnc_bridge.h"

namespace desk {

// What the desk does when its code expires before the customer joined.
enum class OnExpiry {
    offer_new_code,  // window: say so; the start button reads "New code"
    stop,            // headless: say so and end (tether-desk exits 4)
    renew,           // headless --renew: get a new code at once
};

struct Config {
    std::string name;          // supporter's name, shown to the customer
    std::string status_file;   // optional
    std::string snapshot;      // optional PNG path, written after the first full frame
    std::string vnc_listen;    // optional HOST:PORT for other VNC viewers
    screen::ViewerOptions viewer;
    std::string download_dir;             // files from the customer (--download-dir)
    std::vector<std::string> send_files;  // offered once the customer is connected (--send-file)
    std::uint64_t file_rate_limit = 0;    // bytes/s on the file channel, 0 = none
    OnExpiry on_expiry = OnExpiry::offer_new_code;
    // Issue 19: the session record's folder (--record-dir; "" writes none)
    // and the relay it names; --record FILE (the screen, opt-in).
    std::string record_dir;
    std::string relay;
    std::string screen_recording;
};

// expired: the code expired before the customer joined (a new one is one
// start() away).
enum class Phase { idle, waiting, connected, ended, expired };

struct View {
    Phase phase = Phase::idle;
    std::string code;  // shown large while waiting
    std::string code_valid;  // "valid for 9 more minutes" while waiting; empty: no expiry known
    std::string status = "Click \"Start session\" to get a code for your customer.";
    std::string peer;
    std::string auth;  // short authentication string to compare on the phone
    std::string route;  // how the session reaches the peer (SessionLink::route)
    remote::ConsentState consent;  // as the customer reports it
    bool control_requested = false;  // Request control clicked, no answer yet
    screen::Quality quality;
    std::uint64_t frames = 0;
    remote::MonitorList monitors;  // the customer's monitors and the one shown (issue 19)
    int chat_unread = 0;     // chat lines from the customer the supporter has not looked at
    std::string chat_error;  // why the last message was not sent; "" after one was
    std::string record;      // this session's record file
    bool no_session = false;  // ended before a customer joined (relay unreachable, refused, cancelled)
};

// "L 800x600+0+0, R 800x600+800+0" and the one shown ("all" or its name), for
// the status file and the window's monitor menu.
std::string monitor_words(const remote::MonitorInfo& m);
std::string shown_monitor(const remote::MonitorList& l);

class App {
public:
    App(Config cfg, std::unique_ptr<remote::DeskConnector> connector);
    ~App();

    void on_change(std::function<void()> f) { notify_ = std::move(f); }
    // Each new code as it is shown (worker thread). Set before start().
    void on_code(std::function<void(const remote::SessionCode&)> f) { on_code_ = std::move(f); }
    // Screen callbacks on the viewer thread (the window copies pixels there).
    // `update` gets the viewer's live buffer (width*height, 0x00RRGGBB) and the changed area.
    void on_pixels(std::function<void(int w, int h)> resize,
                   std::function<void(const std::uint32_t*, desktop::Rect)> update);
    // The customer's pointer moved or changed shape (viewer thread).
    void on_cursor(std::function<void(const screen::RemoteCursor&)> f) { on_cursor_ = std::move(f); }
    void start();  // begins a session in the background; ignored if one is active
    void end();    // any thread
    void wait();
    View view() const;
    // Sends input only while the customer allows control (the client checks again).
    void send_pointer(int x, int y, int mask);
    void send_key(std::uint32_t keysym, bool down);
    // Asks the customer for control (any thread): their machine shows a
    // prompt; only their answer there (Allow or F11) grants it.
    void request_control();
    // Shows one of the customer's monitors (an index of View::monitors.list)
    // or all of them (-1), in the same session. Any thread.
    void select_monitor(int index);
    // Offers a file to the customer (any thread; the offer goes from a worker).
    // The customer's side refuses it while their F12 is off; the row says so.
    void send_file(const std::string& path) { files_.send(path); }
    std::vector<remote::TransferRow> transfers() const { return files_.rows(); }
    remote::FileService& files() { return files_; }  // the window's transfer panel: cancel, retry

    // Chat (remote/chat.h; no consent needed). Any thread. Typed while the
    // code waits for the customer: sent once they are connected. A refusal
    // (over 4 KiB, no session) is View::chat_error and goes to on_chat_error.
    // True when it was sent or queued (the window then clears its input).
    bool send_chat(const std::string& text);
    std::vector<remote::ChatLine> chat() const { return chat_.lines(); }
    void chat_read();  // the supporter looked at the chat: no unread lines
    // Every line shown (either side's), and every refusal; session threads.
    void on_chat(std::function<void(const remote::ChatLine&)> f) { on_chat_ = std::move(f); }
    void on_chat_error(std::function<void(const std::string&)> f) { on_chat_error_ = std::move(f); }

private:
    void run_session();
    enum class Outcome { done, expired };
    Outcome attempt();
    bool ending();
    void show_code(const remote::SessionCode& c);
    void show_expired(const std::string& code);
    std::string serve(screen::DeskSession& session, remote::Channels ch);
    void forget_customer(const std::string& end, bool met);
    void hint_no_control();
    void control_answered(const std::string& answer);
    void update(const std::function<void(View&)>& f);
    screen::ViewerCallbacks viewer_callbacks();
    void first_frame(const desktop::Frame& fb);
    void add_chat(const remote::ChatLine& l);
    void chat_refused(const std::string& why);
    void record(const std::function<void(remote::SessionRecord&)>& f);
    void record_files();
    void start_record(const remote::SessionLink& link);
    void end_record(const std::string& reason);

    Config cfg_;
    std::unique_ptr<remote::DeskConnector> connector_;
    std::function<void()> notify_;
    std::function<void(const remote::SessionCode&)> on_code_;
    std::function<void(int, int)> on_resize_;
    std::function<void(const std::uint32_t*, desktop::Rect)> on_update_;
    std::function<void(const screen::RemoteCursor&)> on_cursor_;
    mutable std::mutex mu_;
    View view_;
    std::mutex session_mu_;                   // taken before mu_, never after
    screen::DeskSession* session_ = nullptr;  // during a session
    bool ending_ = false;                     // end() called: no renewal either (under session_mu_)
    std::unique_ptr<screen::VncBridge> bridge_;
    remote::FileService files_;
    CodeCountdown countdown_;  // while waiting; stopped by the worker
    std::thread worker_;
    remote::ChatLog chat_;
    std::function<void(const remote::ChatLine&)> on_chat_;
    std::function<void(const std::string&)> on_chat_error_;
    remote::ChatOutbox chat_out_;            // what the supporter types (its state under session_mu_)
    remote::SessionRecorder recorder_;  // the record file of the session going on, if any
};

}  // namespace desk
