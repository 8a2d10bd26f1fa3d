// Chat between the supporter and the customer (issue 19): one message type
// on the control channel (docs/PROTOCOL.md "Chat"), the rule for what may be
// sent, and the list both windows show. Portable: the Linux programs and
// tether-client.exe use the same code; no GUI, no I/O.
//
//   {"type":"chat","text":"Hello, can you see my pointer?","t":1796000000000}
//
// `t` is the sender's wall clock (ms since 1970, UTC), shown with the line.
// The sender's name is the one its hello carried. Chat needs no consent:
// it works while the supporter only watches.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace remote {

// Bytes of UTF-8 text in one message, at most: a few paragraphs; anything
// longer is a file (the file channel) and is refused with kChatTooLong.
constexpr std::size_t kMaxChatBytes = 4096;
// Lines a window keeps (the oldest go first); the session record keeps all.
constexpr std::size_t kChatKeep = 500;
// Messages typed before the other side's hello that may wait for it.
constexpr std::size_t kChatWaiting = 100;

// A message that may not be sent, or that arrived broken; what() is a
// sentence for the person who typed it.
class ChatRefused : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws ChatRefused when `text` is empty, longer than kMaxChatBytes or not UTF-8.
void check_chat_text(const std::string& text);
bool valid_utf8(const std::string& s);

// The control line (without '\n') carrying `text` sent at `unix_ms`.
std::string encode_chat(const std::string& text, std::int64_t unix_ms);

struct ChatWire {
    std::string text;
    std::int64_t unix_ms = 0;
    std::string refused;  // non-empty: the line broke the rule (why); text is then empty
};
// nullopt: the line is not a chat message (another type, or not JSON).
std::optional<ChatWire> decode_chat(const std::string& line);
struct Message;
// The chat in a control message (decode() keeps unknown types' lines), if any.
std::optional<ChatWire> chat_of(const Message& m);

std::int64_t unix_now_ms();
// "14:03:07" in local time.
std::string clock_text(std::int64_t unix_ms);
// `unix_ms` (whole seconds) through strftime's `format` (at most 39 bytes
// out), in local time or in UTC.
std::string time_text(std::int64_t unix_ms, const char* format, bool utc);

struct ChatLine {
    std::int64_t unix_ms = 0;
    std::string from;  // a person's name
    std::string text;
    bool mine = false;  // typed here
};
// What a window's list and headless stdout show: "[14:03:07] Alice: text"
// (line breaks inside the text shown as spaces: one message, one line).
std::string chat_display(const ChatLine& l);

// The chat a window shows, with its unread count (messages from the other
// side since the person last looked). Thread-safe.
class ChatLog {
public:
    void add(ChatLine l);
    std::vector<ChatLine> lines() const;
    int unread() const;
    void mark_read();
    void clear();

private:
    mutable std::mutex mu_;
    std::deque<ChatLine> lines_;
    int unread_ = 0;
};

// What one side types, on its way out (the desk's and the customer's app):
// checked, then sent at once while the other side is here, or held while
// its hello is on the way (kChatWaiting messages at most, sent in order when
// it came). The app owns the lock: `mu`, the one that guards its session,
// guards the outbox too.
class ChatOutbox {
public:
    struct Hooks {
        std::string from;        // this side's name, on the lines it sent
        std::string no_session;  // the refusal while no session is on or coming
        std::string full;        // the refusal while kChatWaiting messages wait
        std::function<bool()> in_session;  // under mu (it may take a lock that comes after mu)
        std::function<void(const ChatLine&)> sent;     // a message went (not under mu)
        std::function<void(const std::string&)> refused;  // why one did not (not under mu)
    };
    ChatOutbox(std::mutex& mu, Hooks h) : mu_(mu), h_(std::move(h)) {}

    // Any thread, mu not held. True when `text` was sent or now waits; false
    // when it was refused (`refused` has the sentence).
    bool send(const std::string& text);
    // The other side's hello came (mu not held): what waited goes now.
    void peer_arrived();
    // Under mu: the session started; `send` sends one message on it (throws
    // ChatRefused when it cannot). Messages typed so far wait for the hello.
    void attach(std::function<void(const std::string&)> send) { session_ = std::move(send); }
    // Under mu: the session ended; what still waited is dropped.
    void detach();

private:
    std::mutex& mu_;
    const Hooks h_;
    std::function<void(const std::string&)> session_;  // empty: no session (under mu_)
    std::vector<std::string> waiting_;  // typed before the other side's hello (under mu_)
    bool peer_here_ = false;            // its hello came (under mu_)
};

}  // namespace remote
