// How a session's control channel ends, the same on the desk and the client:
// the first stop() wins the reason and says bye (so the peer reads why
// before its screen ends), then half-closes; the peer gets kByeGrace to
// answer before the channel is aborted. DeskSession and ClientSession
// derive from it; the members are theirs to use under mu_.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "remote/channels.h"
#include "remote/control_channel.h"

namespace remote {

class ControlEnding {
protected:
    // With mu_ held, at the start of run(): the control channel of `ch`.
    // False when a stop() came before run(): the channel is closed at once
    // and nothing may be sent on it.
    bool attach_locked(Channels& ch);
    // At the start of run(), taking mu_: attach_locked(ch), then `first`
    // (our hello, the customer's consent) in order on the control channel.
    // Never throws for a peer already gone: read_until_bye says why it ended.
    void attach_and_greet(Channels& ch, const std::vector<Message>& first);
    // Reads control messages until bye or the end of the channel, passing
    // every other message to `handle`; returns why the session ended, naming
    // the other side (`peer`: "the supporter", "the customer"). Then marks the
    // reader done (which close_after_grace and wait_reader wait for).
    std::string read_until_bye(const std::string& peer, const std::function<void(const Message&)>& handle);
    // With mu_ held. False if a stop came first (its reason stands); true if
    // this call ended the session: the reason is kept and bye went out (best
    // effort) with the control channel half-closed.
    bool say_bye_locked(const std::string& reason);
    // Runs on its own thread: once stopping, gives the peer kByeGrace to
    // answer, then aborts the control channel (which ends the reader).
    void close_after_grace(Channels& ch);
    void wait_reader(std::chrono::milliseconds limit);
    // Chat (remote/chat.h), from any thread: checks `text` and sends it on
    // the control channel now. Throws ChatRefused with a sentence (too
    // long, not UTF-8, no session).
    void send_chat_text(const std::string& text);

    std::unique_ptr<ControlChannel> ctl_;  // during run()
    Channels* ch_ = nullptr;               // during run()
    mutable std::mutex mu_;                // guards the members here against stop()
    std::condition_variable cv_;           // stopping_ or reader_done_ changed
    std::atomic<bool> stopping_{false};
    bool reader_done_ = false;             // guarded by mu_
    std::string end_reason_;
};

}  // namespace remote
