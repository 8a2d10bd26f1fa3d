#include "remote/chat.h"

#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

#include "remote/control_ending.h"

namespace remote {

using nlohmann::json;

// RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF.
bool valid_utf8(const std::string& s) {
    std::size_t i = 0, n = s.size();
    while (i < n) {
        unsigned char c = s[i];
        int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > n) return false;
        std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
        for (int k = 1; k < len; ++k) {
            unsigned char cc = s[i + k];
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        static const std::uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

void check_chat_text(const std::string& text) {
    if (text.empty()) throw ChatRefused("Not sent: the message is empty.");
    if (text.size() > kMaxChatBytes)
        throw ChatRefused("Not sent: the message is " + std::to_string(text.size()) +
                          " bytes; a chat message can have at most 4096 bytes (4 KiB). Send longer text as a file.");
    if (!valid_utf8(text)) throw ChatRefused("Not sent: the message is not UTF-8 text.");
}

std::string encode_chat(const std::string& text, std::int64_t unix_ms) {
    return json{{"type", "chat"}, {"text", text}, {"t", unix_ms}}.dump();
}

std::optional<ChatWire> decode_chat(const std::string& line) {
    try {
        json j = json::parse(line);
        if (!j.is_object() || j.value("type", std::string()) != "chat") return std::nullopt;
        ChatWire w;
        w.unix_ms = j.value("t", std::int64_t{0});
        std::string text = j.at("text").get<std::string>();
        try {
            check_chat_text(text);
            w.text = std::move(text);
        } catch (const ChatRefused&) {
            w.refused = text.size() > kMaxChatBytes ? "longer than 4 KiB (" + std::to_string(text.size()) + " bytes)"
                                                    : "empty or not UTF-8";
        }
        return w;
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

std::optional<ChatWire> chat_of(const Message& m) {
    if (m.type != MessageType::unknown || m.line.empty()) return std::nullopt;
    return decode_chat(m.line);
}

void ControlEnding::send_chat_text(const std::string& text) {
    check_chat_text(text);
    std::lock_guard<std::mutex> lk(mu_);
    if (!ctl_ || stopping_) throw ChatRefused("Not sent: nobody is connected.");
    try {
        ctl_->send_line(encode_chat(text, unix_now_ms()));
    } catch (const std::exception&) {
        throw ChatRefused("Not sent: the connection is gone.");
    }
}

std::int64_t unix_now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string time_text(std::int64_t unix_ms, const char* format, bool utc) {
    std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
#ifdef _WIN32
    if (utc) gmtime_s(&tm, &t);
    else localtime_s(&tm, &t);
#else
    if (utc) gmtime_r(&t, &tm);
    else localtime_r(&t, &tm);
#endif
    char buf[40];
    if (std::strftime(buf, sizeof buf, format, &tm) == 0) return "";
    return buf;
}

std::string clock_text(std::int64_t unix_ms) { return time_text(unix_ms, "%H:%M:%S", false); }

std::string chat_display(const ChatLine& l) {
    std::string text = l.text;
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return "[" + clock_text(l.unix_ms) + "] " + l.from + ": " + text;
}

void ChatLog::add(ChatLine l) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!l.mine) ++unread_;
    lines_.push_back(std::move(l));
    if (lines_.size() > kChatKeep) lines_.pop_front();
}

std::vector<ChatLine> ChatLog::lines() const {
    std::lock_guard<std::mutex> lk(mu_);
    return {lines_.begin(), lines_.end()};
}

int ChatLog::unread() const {
    std::lock_guard<std::mutex> lk(mu_);
    return unread_;
}

void ChatLog::mark_read() {
    std::lock_guard<std::mutex> lk(mu_);
    unread_ = 0;
}

void ChatLog::clear() {
    std::lock_guard<std::mutex> lk(mu_);
    lines_.clear();
    unread_ = 0;
}

bool ChatOutbox::send(const std::string& text) {
    try {
        check_chat_text(text);
        std::lock_guard<std::mutex> lk(mu_);
        if (!h_.in_session()) throw ChatRefused(h_.no_session);
        if (!session_ || !peer_here_) {  // the other side is on the way: it goes when they are here
            if (waiting_.size() >= kChatWaiting) throw ChatRefused(h_.full);
            waiting_.push_back(text);
            return true;
        }
        session_(text);
    } catch (const ChatRefused& e) {
        if (h_.refused) h_.refused(e.what());
        return false;
    }
    if (h_.sent) h_.sent({unix_now_ms(), h_.from, text, true});
    return true;
}

// On the session's reader thread, when the other side's hello came.
void ChatOutbox::peer_arrived() {
    std::vector<std::string> sent;
    {
        std::lock_guard<std::mutex> lk(mu_);
        peer_here_ = true;
        if (!session_) return;
        try {
            for (const auto& text : waiting_) {
                session_(text);
                sent.push_back(text);
            }
        } catch (const ChatRefused&) {
            // the session is ending: the rest was never sent
        }
        waiting_.clear();
    }
    if (h_.sent)
        for (const auto& text : sent) h_.sent({unix_now_ms(), h_.from, text, true});
}

void ChatOutbox::detach() {
    session_ = nullptr;
    peer_here_ = false;
    waiting_.clear();
}

}  // namespace remote
