// Keeps one side's clipboard and the peer's in step over the control
// channel (remote/clipboard.h), the same logic on the customer's and the
// supporter's side. Consent: the session calls set_enabled() with remote
// control's state (the customer's live consent on the customer's side, the
// reported one on the desk); disabled, nothing is sent and texts that
// arrive are dropped. The customer's side is the one that enforces.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "desktop/clipboard.h"
#include "remote/clipboard.h"

namespace desktop {

struct ClipboardSyncOptions {
    // Who is on the other side, for sentences: "the supporter", "Alice".
    std::string peer = "the other side";
    // The customer's side sends what it holds the moment control is
    // granted; the desk sends only what the supporter copies afterwards (so
    // granting control never overwrites the customer's clipboard).
    bool send_current_on_enable = false;
    // The customer's side stops offering the supporter's text when control
    // ends; the supporter keeps what they got.
    bool withdraw_on_disable = false;
};

class ClipboardSync {
public:
    using SendLine = std::function<void(const std::string&)>;  // throws when the channel is gone
    using Notice = std::function<void(const std::string&)>;    // a sentence for this side's person

    // `clipboard` is borrowed for this object's lifetime.
    ClipboardSync(Clipboard& clipboard, ClipboardSyncOptions opts, SendLine send, Notice notice);
    ~ClipboardSync();

    void start();
    void stop();  // gives up our offers; idempotent
    void set_enabled(bool on);
    // A control line; true if it was the clipboard's (then handled).
    // Throws remote::ProtocolError on a malformed clipboard line.
    bool handle(const remote::Message& m);

    std::uint64_t texts_sent() const;
    std::uint64_t texts_received() const;

private:
    void local_change(const ClipboardChange& c);

    Clipboard& clipboard_;
    ClipboardSyncOptions opts_;
    SendLine send_;
    Notice notice_;
    remote::ClipboardAssembler assembler_;  // control reader thread only
    mutable std::mutex mu_;
    bool enabled_ = false;
    bool started_ = false;
    std::uint64_t next_id_ = 1;
    std::uint64_t sent_ = 0, received_ = 0;
};

}  // namespace desktop
