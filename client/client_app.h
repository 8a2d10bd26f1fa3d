// tether-client without its window: connects, runs one ClientSession at a
// time, keeps the visible state (status line, supporter, permissions) and
// mirrors it to --status-file. The FLTK window and the headless mode both
// drive this class; it never touches FLTK.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "screen/channels.h"
#include "screen/client_session.h"

namespace client {

struct Config {
    std::string display;      // X display to serve; empty = $DISPLAY
    std::string name;         // shown to the supporter
    std::string status_file;  // optional
    screen::ConsentState initial;  // --allow-control / --allow-files
};

// What the window shows. Copied out under the lock.
struct View {
    std::string status = "Type the code your supporter gave you, then Connect.";
    std::string peer;
    std::string auth;  // short authentication string to compare on the phone
    screen::ConsentState consent;
    bool active = false;  // connecting or connected
};

class App {
public:
    App(Config cfg, std::unique_ptr<screen::ClientConnector> connector);
    ~App();

    // Called on any thread after the View changed (the window wakes FLTK).
    void on_change(std::function<void()> f) { notify_ = std::move(f); }
    // Starts connecting in the background; ignored while a session is active.
    void connect(const std::string& code);
    void disconnect();  // any thread
    void wait();        // blocks until the current session ended
    // A customer-side toggle (GUI button); same effect as the hotkey.
    void toggle(screen::Hotkey k);
    View view() const;

private:
    void run_session(const std::string& code);
    void update(const std::function<void(View&)>& f);

    Config cfg_;
    std::unique_ptr<screen::ClientConnector> connector_;
    std::function<void()> notify_;
    mutable std::mutex mu_;
    View view_;
    std::mutex session_mu_;                     // guards session_; taken before mu_, never after
    screen::ClientSession* session_ = nullptr;  // during a session
    std::thread worker_;
};

}  // namespace client
