// The clipboard's lines on the control channel (issue 19, docs/PROTOCOL.md
// "Clipboard"). Text is UTF-8, at most kClipboardCap bytes, sent as base64
// pieces so that no line comes near kMaxControlLine and any byte survives
// JSON:
//
//   {"type":"clipboard","sel":"clipboard","id":3,"size":524288,"offset":0,
//    "data":"<base64 of at most kClipboardPiece bytes>","last":false}
//   {"type":"clipboard_refused","sel":"primary","size":2097152}
//
// `sel` is the X selection it mirrors ("clipboard" or "primary"; a platform
// without PRIMARY uses "clipboard"). `id` numbers a sender's texts; pieces
// of one text follow in order (one control channel, one writer lock per
// line). `clipboard_refused`: the sender's text was larger than the cap and
// was not sent; the receiver tells its person. Consent is the customer's
// side's business (desktop/clipboard_sync.h): lines are only sent, and only
// accepted there, while remote control is on. Portable: no OS calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "remote/control_protocol.h"

namespace remote {

// 1 MiB of text: a page of a log or a config file, not a disk image (the
// file channel, with its consent F12, is for those).
constexpr std::size_t kClipboardCap = 1024 * 1024;  // bytes of UTF-8
// 32 KiB of text is 43.7 KiB of base64: far below kMaxControlLine (64 KiB),
// and small enough that a consent line or a pong never waits behind more
// than one piece.
constexpr std::size_t kClipboardPiece = 32 * 1024;  // bytes

enum class Selection { clipboard, primary };
const char* selection_name(Selection s);

// The lines of one text (`text.size()` <= kClipboardCap).
std::vector<std::string> encode_clipboard(Selection sel, std::uint64_t id, const std::string& text);
std::string encode_clipboard_refused(Selection sel, std::uint64_t size);

// Puts pieces back together. Not thread-safe (the control reader owns it).
class ClipboardAssembler {
public:
    struct Text {
        Selection sel;
        std::string text;
    };
    struct Refused {
        Selection sel;
        std::uint64_t size;
    };
    struct Result {
        std::optional<Text> text;        // a whole text arrived
        std::optional<Refused> refused;  // the peer's text was too large
    };
    // Whether `m` is one of ours (m.kind "clipboard" / "clipboard_refused").
    static bool is_clipboard(const Message& m);
    // Throws ProtocolError (control_channel.h) on a malformed line, a piece
    // out of order or a text above kClipboardCap: the peer is broken.
    Result add(const Message& m);

private:
    struct Partial {
        std::uint64_t id = 0;
        std::uint64_t size = 0;
        std::string data;
        bool open = false;
    };
    Partial partial_[2];
};

// "2.0 MiB", "512 KiB", "12 bytes": sizes in the messages people read.
std::string clipboard_size_words(std::uint64_t bytes);

}  // namespace remote
