// The customer's side of one screen session: serves the screen on the rfb
// channel, enforces consent (hotkeys F11/F12 on the customer's display),
// reports the consent state on the control channel. GUI-free: the window
// and the headless runner both drive it through Events.
#pragma once

#include <atomic>
#include <chrono>
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
#include "desktop/control_presence.h"
#include "desktop/input_gate.h"
#include "desktop/monitor_view.h"
#include "desktop/platform.h"
#include "screen/vnc_server.h"

namespace screen {

// The session around the screen lives in remote/.
using remote::Channels;
using remote::ConsentState;
using remote::Consent;
using remote::ControlEnding;
using remote::Message;
using remote::MessageType;
using remote::kReasonGrace;

// Platform pieces, borrowed for the session's lifetime.
struct CustomerSide {
    desktop::Capture& capture;
    desktop::InputInjector& injector;
    desktop::Hotkeys& hotkeys;
    desktop::ControlNotice* notice = nullptr;  // optional: the bar on top while control is on
    desktop::LocalInput* local = nullptr;      // optional: the customer's own input takes control back
    desktop::Clipboard* clipboard = nullptr;   // optional: shared with the desk while control is on (issue 19)
    desktop::MonitorSource* monitors = nullptr;  // optional: the desk may choose one monitor (issue 19)
};

// All callbacks may run on any session thread; keep them short.
struct ClientEvents {
    std::function<void(const std::string&)> on_status;    // a sentence for the status line
    std::function<void(const std::string&)> on_peer;      // the supporter's name (hello)
    std::function<void(ConsentState)> on_consent;         // after every change
    // The supporter asks for remote control: show the customer a prompt
    // and call answer_control_request(). Empty (headless: nobody to ask):
    // the desk hears "unavailable".
    std::function<void()> on_control_request;
    std::function<void(const remote::ChatWire&)> on_chat;  // a chat line from the supporter
};

class ClientSession : private ControlEnding {
public:
    ClientSession(CustomerSide side, std::string name, ConsentState initial, ClientEvents ev);

    // Blocks for the whole session; returns why it ended (a sentence).
    // The hotkeys are grabbed inside run() and released before it returns.
    std::string run(Channels ch);
    // Ends the session from any thread (the customer clicked Disconnect).
    void stop(const std::string& reason = "the customer ended the session");

    ConsentState consent() const { return consent_.state(); }
    // Desk input events refused so far (control off or F11/F12).
    std::uint64_t dropped_input() const { return gate_.dropped(); }
    // What the hotkeys do; also usable by a GUI button or a test.
    void toggle(desktop::Hotkey k);
    // The customer's answer to on_control_request: Allow turns control on
    // exactly like F11; Deny tells the supporter. Any thread.
    void answer_control_request(bool allow);
    // Sends a chat line (any thread; no consent needed); throws remote::ChatRefused.
    void send_chat(const std::string& text) { send_chat_text(text); }

private:
    void on_consent_change(ConsentState s);
    void handle(const Message& m);
    void on_control_request();
    void start_hotkeys();
    void start_clipboard();
    void send_monitors();

    CustomerSide side_;
    std::string name_;
    ClientEvents ev_;
    Consent consent_;
    desktop::MonitorView view_;          // what the desk sees: one monitor or all
    desktop::MonitorInjector view_input_;  // the desk's pointer back onto the whole screen
    desktop::InputGate gate_;
    ScreenServer server_;
    desktop::ControlPresence presence_;
    std::unique_ptr<desktop::ClipboardSync> clipboard_;  // during run(), when side_.clipboard
};

}  // namespace screen
