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

}  // namespace remote
