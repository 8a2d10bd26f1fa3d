#include "rfbserver/messages.h"

#include "wire/big_endian.h"

namespace rfbserver {
namespace {

// Client message types (RFC 6143 7.5).
enum : unsigned char { kSetPixelFormat = 0, kSetEncodings = 2, kUpdateRequest = 3, kKey = 4, kPointer = 5, kCutText = 6 };

int u16(const unsigned char* p) { return static_cast<int>(wire::get_be(p, 2)); }

// Bytes of the message whose fixed part is at `p` (at least 8 bytes read
// or the whole fixed part), or 0 if the fixed part is not complete yet.
std::size_t message_size(const unsigned char* p, std::size_t len) {
    switch (p[0]) {
    case kSetPixelFormat: return 20;
    case kUpdateRequest: return 10;
    case kKey: return 8;
    case kPointer: return 6;
    case kSetEncodings: return len < 4 ? 0 : 4 + 4 * static_cast<std::size_t>(u16(p + 2));
    case kCutText: {
        if (len < 8) return 0;
        std::size_t n = wire::get_be(p + 4, 4);
        if (n > kMaxCutText) throw ProtocolError("clipboard text too long");
        return 8 + n;
    }
    default: throw ProtocolError("unknown message type " + std::to_string(p[0]));
    }
}

void decode(const unsigned char* p, ClientMessage& m) {
    switch (p[0]) {
    case kSetPixelFormat:
        m.type = ClientMessage::Type::set_pixel_format;
        m.format = read_pixel_format(p + 4);
        break;
    case kSetEncodings:
        m.type = ClientMessage::Type::set_encodings;
        m.encodings.clear();
        for (int i = 0; i < u16(p + 2); ++i)
            m.encodings.push_back(static_cast<std::int32_t>(wire::get_be(p + 4 + 4 * i, 4)));
        break;
    case kUpdateRequest:
        m.type = ClientMessage::Type::update_request;
        m.incremental = p[1] != 0;
        m.area = desktop::Rect{u16(p + 2), u16(p + 4), u16(p + 6), u16(p + 8)};
        break;
    case kKey:
        m.type = ClientMessage::Type::key;
        m.down = p[1] != 0;
        m.keysym = static_cast<std::uint32_t>(wire::get_be(p + 4, 4));
        break;
    case kPointer:
        m.type = ClientMessage::Type::pointer;
        m.buttons = p[1];
        m.x = u16(p + 2);
        m.y = u16(p + 4);
        break;
    default: m.type = ClientMessage::Type::cut_text; break;  // read and ignored
    }
}

}  // namespace

std::size_t parse_client_message(const unsigned char* p, std::size_t len, ClientMessage& out) {
    if (len == 0) return 0;
    std::size_t need = message_size(p, len);
    if (need == 0 || len < need) return 0;
    decode(p, out);
    return need;
}

void append_update_header(std::string& out, int rects) {
    wire::append_be(out, 0, 1);  // FramebufferUpdate
    wire::append_be(out, 0, 1);  // padding
    wire::append_be(out, static_cast<std::uint64_t>(rects), 2);
}

void append_rect_header(std::string& out, int x, int y, int w, int h, std::int32_t encoding) {
    wire::append_be(out, static_cast<std::uint64_t>(x), 2);
    wire::append_be(out, static_cast<std::uint64_t>(y), 2);
    wire::append_be(out, static_cast<std::uint64_t>(w), 2);
    wire::append_be(out, static_cast<std::uint64_t>(h), 2);
    wire::append_be(out, static_cast<std::uint32_t>(encoding), 4);
}

}  // namespace rfbserver
