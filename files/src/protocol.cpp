#include "protocol.h"

#include <algorithm>

namespace files::proto {
namespace {

void put_be(char* out, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
}

std::uint64_t get_be(const char* in, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
    return v;
}

// Largest payload allowed for a type: bounds what one message can make us buffer.
std::size_t max_payload(Type t) {
    if (t == Type::data) return kDataHeaderSize + kChunk;
    if (t == Type::ack) return kDataHeaderSize;
    return kMaxControl;
}

}  // namespace

// Room for a few whole chunks: one read() usually brings several messages.
constexpr std::size_t kReadBuffer = 256 * 1024;

MessageReader::MessageReader(session::ByteStream& s)
    : s_(s), buf_(kReadBuffer + kHeaderSize + kDataHeaderSize + kChunk) {}

bool MessageReader::fill(std::size_t need) {
    if (begin_ + need > buf_.size()) {  // no room behind: move the unparsed bytes to the front
        std::copy(buf_.begin() + static_cast<long>(begin_), buf_.begin() + static_cast<long>(end_), buf_.begin());
        end_ -= begin_;
        begin_ = 0;
    }
    while (end_ - begin_ < need) {
        std::size_t n = s_.read(buf_.data() + end_, buf_.size() - end_);
        if (n == 0) {
            if (end_ == begin_) return false;
            throw ProtocolError("the channel ended in the middle of a message");
        }
        end_ += n;
    }
    return true;
}

bool MessageReader::next(Message& m) {
    if (!fill(kHeaderSize)) return false;
    const char* header = buf_.data() + begin_;
    auto raw = static_cast<std::uint8_t>(header[0]);
    if (raw < 1 || raw > static_cast<std::uint8_t>(Type::last))
        throw ProtocolError("unknown message type " + std::to_string(raw));
    m.type = static_cast<Type>(raw);
    std::uint64_t len = get_be(header + 1, 4);
    if (len > max_payload(m.type))
        throw ProtocolError("message type " + std::to_string(raw) + " is too long (" + std::to_string(len) + " bytes)");
    if (!fill(kHeaderSize + len)) throw ProtocolError("the channel ended in the middle of a message");
    m.payload = buf_.data() + begin_ + kHeaderSize;
    m.size = static_cast<std::size_t>(len);
    begin_ += kHeaderSize + m.size;
    return true;
}

void put_header(char* out, Type type, std::uint32_t len) {
    out[0] = static_cast<char>(type);
    put_be(out + 1, len, 4);
}

void put_data_header(char* out, std::uint32_t id, std::uint64_t offset) {
    put_be(out, id, 4);
    put_be(out + 4, offset, 8);
}

std::string encode(Type type, const std::string& payload) {
    std::string out(kHeaderSize, '\0');
    put_header(out.data(), type, static_cast<std::uint32_t>(payload.size()));
    return out + payload;
}

std::string encode_ack(std::uint32_t id, std::uint64_t offset) {
    std::string out(kHeaderSize + kDataHeaderSize, '\0');
    put_header(out.data(), Type::ack, kDataHeaderSize);
    put_data_header(out.data() + kHeaderSize, id, offset);
    return out;
}

Binary decode_binary(const Message& m) {
    if (m.size < kDataHeaderSize)
        throw ProtocolError("a data or ack message is shorter than its 12-byte header");
    return {static_cast<std::uint32_t>(get_be(m.payload, 4)), get_be(m.payload + 4, 8)};
}

}  // namespace files::proto
