// RFB 3.8 messages (RFC 6143 7.5, 7.6): an incremental parser for what a
// viewer sends and writers for what the server sends. No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "desktop/tile_diff.h"
#include "rfbserver/pixel_format.h"

namespace rfbserver {

// The viewer broke the protocol; what() says how (for the log).
class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ClientMessage {
    enum class Type { set_pixel_format, set_encodings, update_request, key, pointer, cut_text };
    Type type = Type::cut_text;
    PixelFormat format;                  // set_pixel_format
    std::vector<std::int32_t> encodings; // set_encodings, in the viewer's order of preference
    bool incremental = false;            // update_request
    desktop::Rect area;                  // update_request
    bool down = false;                   // key
    std::uint32_t keysym = 0;            // key
    int x = 0, y = 0, buttons = 0;       // pointer (buttons: bit 0 left ... bit 4 wheel down)
};

// Clipboard text beyond this is refused: the desk sends none today, and
// nothing a stranger controls is buffered unbounded.
constexpr std::size_t kMaxCutText = 1 << 20;  // bytes

// Parses one message from the `len` bytes at `p`. Returns the bytes it
// used, or 0 when the message is not complete yet (a normal answer: read
// more). Throws ProtocolError on an unknown type or an oversized length.
std::size_t parse_client_message(const unsigned char* p, std::size_t len, ClientMessage& out);

// FramebufferUpdate header (type 0) for `rects` rectangles.
void append_update_header(std::string& out, int rects);
// A rectangle header: position, size, encoding.
void append_rect_header(std::string& out, int x, int y, int w, int h, std::int32_t encoding);

}  // namespace rfbserver
