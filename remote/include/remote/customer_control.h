// The customer's side of a session's control channel for tether-client.exe:
// hello and the consent state, pongs to the desk's pings, bye at the end.
// The rfb channel is the program's (client/screen_windows.h serves the
// screen there); run() closes it at the end. File transfer runs beside it
// on the file channel (FileService). Consent: remote control off at the
// start, F11 (toggle_control) and F12 (files, as given at start or by
// toggle_files()) from the customer's hotkeys.
#pragma once

#include <functional>
#include <string>

#include "remote/channels.h"
#include "remote/chat.h"
#include "remote/consent.h"
#include "remote/control_ending.h"

namespace remote {

// All callbacks may run on any session thread; keep them short.
struct CustomerEvents {
    std::function<void(const std::string&)> on_peer;  // the supporter's name (hello)
    std::function<void(ConsentState)> on_consent;     // after every change
    // The supporter asks for remote control (issue 16): show the customer a
    // prompt, then call answer_control_request(). Empty: no prompt can be
    // shown (headless), the desk hears "unavailable" and the customer still
    // has F11.
    std::function<void()> on_control_request;
    std::function<void(const ChatWire&)> on_chat;  // a chat line from the supporter (remote/chat.h)
};

class CustomerControl : private ControlEnding {
public:
    CustomerControl(std::string name, ConsentState initial, CustomerEvents ev);

    // Blocks for the whole session; returns why it ended (a sentence).
    std::string run(Channels ch);
    // Ends the session from any thread (the customer quit).
    void stop(const std::string& reason = "the customer ended the session");

    ConsentState consent() const { return consent_.state(); }
    // The live consent, for the screen's InputGate and for
    // desktop::ControlPresence (the customer's hands withdraw control);
    // borrowed: it lives as long as this object.
    Consent& live_consent() { return consent_; }
    void toggle_files() { consent_.toggle_files(); }
    // F11 (tether-client.exe's hotkey and its window's button).
    void toggle_control() { consent_.toggle_control(); }
    // The customer's answer to on_control_request: Allow turns control on
    // exactly like F11; Deny tells the supporter. Any thread.
    void answer_control_request(bool allow);
    // Sends a chat line (any thread; no consent needed); throws ChatRefused.
    void send_chat(const std::string& text) { send_chat_text(text); }

private:
    void on_consent_change(ConsentState s);
    void handle(const Message& m);

    std::string name_;
    CustomerEvents ev_;
    Consent consent_;
};

}  // namespace remote
