// The supporter's side of one screen session: views the customer's screen
// on the rfb channel, shows the customer's consent and the link quality
// from the control channel. GUI-free.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "remote/channels.h"
#include "remote/chat.h"
#include "remote/consent.h"
#include "remote/control_channel.h"
#include "remote/control_ending.h"
#include "desktop/clipboard_sync.h"
#include "remote/monitor_lines.h"
#include "screen/vnc_viewer.h"

namespace screen {

// The session around the screen lives in remote/.
using remote::Channels;
using remote::ConsentState;
using remote::ControlEnding;
using remote::Message;
using remote::MessageType;
using remote::kReasonGrace;

// Round trip of the control channel, measured with ping/pong.
struct Quality {
    double rtt_ms = 0;
    double kbit_per_s = 0;  // RFB bytes received over the last ping interval
};

// Callbacks run on session threads; keep them short.
struct DeskEvents {
    std::function<void(const std::string&)> on_peer;  // the customer's name
    std::function<void(ConsentState)> on_consent;     // as reported by the customer
    std::function<void(Quality)> on_quality;
    // The customer's answer to request_control(): remote::kAnswer* ("asked",
    // "denied", "unavailable"); an allowed request shows as on_consent.
    std::function<void(const std::string&)> on_control_answer;
    // A sentence about the shared clipboard for the status line, e.g. the
    // customer's text was too large (issue 19).
    std::function<void(const std::string&)> on_clipboard_notice;
    // The customer's monitors and which one is shown (-1: all), at the
    // start and after every select_monitor().
    std::function<void(const remote::MonitorList&)> on_monitors;
    std::function<void(const remote::ChatWire&)> on_chat;  // a chat line from the customer
};

// Interval between pings: often enough for a live quality display, rare
// enough to cost nothing (one short line each way).
constexpr std::chrono::milliseconds kPingInterval{1000};

class DeskSession : private ControlEnding {
public:
    DeskSession(std::string name, ViewerOptions opts, ViewerCallbacks view, DeskEvents ev)
        : name_(std::move(name)), viewer_(std::move(opts), std::move(view)), ev_(std::move(ev)) {}

    // Blocks for the whole session; returns why it ended (a sentence).
    std::string run(Channels ch);
    void stop(const std::string& reason = "the supporter ended the session");  // any thread

    Viewer& viewer() { return viewer_; }
    // The supporter's own clipboard, shared with the customer while they
    // allow control (issue 19). Borrowed; set before run(), outlives it.
    void set_clipboard(desktop::Clipboard* c) { clipboard_ = c; }
    // Shows one of the customer's monitors (an index of monitors().list) or
    // all of them (-1), without reconnecting. Any thread.
    void select_monitor(int index);
    remote::MonitorList monitors() const;
    // Asks the customer for remote control (any thread). Changes no right:
    // the customer answers on their machine (F11 or the prompt's buttons).
    void request_control();
    // Sends a chat line (any thread); throws remote::ChatRefused with a sentence.
    void send_chat(const std::string& text) { send_chat_text(text); }
    // The customer's permissions as last reported (display only: the client enforces).
    ConsentState consent() const;

private:
    void handle(const Message& m);
    void ping_loop();
    void start_clipboard();

    std::string name_;
    Viewer viewer_;
    DeskEvents ev_;
    ConsentState consent_;         // guarded by mu_
    std::uint64_t last_bytes_ = 0;
    desktop::Clipboard* clipboard_ = nullptr;
    remote::MonitorList monitors_;  // guarded by mu_
    std::unique_ptr<desktop::ClipboardSync> sync_;  // during run(), with clipboard_
};

}  // namespace screen
