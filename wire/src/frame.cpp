#include "wire/frame.h"

#include <algorithm>
#include <cstring>

#include "wire/big_endian.h"

namespace wire {
namespace {

void require(const Frame& f, std::size_t n, const char* what) {
    if (f.payload.size() < n) throw ProtocolError(std::string("truncated ") + what + " frame");
}

void put_header(std::string& out, FrameType type, std::size_t len) {
    out.push_back(static_cast<char>(type));
    append_be(out, len, 4);
}

}  // namespace

bool is_known(std::uint8_t t) { return (t >= 0x01 && t <= 0x05) || (t >= 0x10 && t <= 0x13); }

void append_frame(std::string& out, FrameType type, const void* payload, std::size_t len) {
    put_header(out, type, len);
    out.append(static_cast<const char*>(payload), len);
}

void append_u64_frame(std::string& out, FrameType type, std::uint64_t value) {
    put_header(out, type, 8);
    append_be(out, value, 8);
}

void append_data(std::string& out, std::uint64_t offset, const void* bytes, std::size_t len) {
    put_header(out, FrameType::data, 8 + len);
    append_be(out, offset, 8);
    out.append(static_cast<const char*>(bytes), len);
}

void append_hello(std::string& out, std::uint64_t epoch) {
    put_header(out, FrameType::hello, 10);
    append_be(out, kProtocolVersion, 2);
    append_be(out, epoch, 8);
}

void append_peer(std::string& out, PeerState state) {
    put_header(out, FrameType::peer, 1);
    out.push_back(static_cast<char>(state));
}

void append_end(std::string& out, EndReason reason, const std::string& text) {
    put_header(out, FrameType::end, 1 + text.size());
    out.push_back(static_cast<char>(reason));
    out += text;
}

std::uint64_t payload_u64(const Frame& f) {
    require(f, 8, "u64");
    return get_be(f.payload.data(), 8);
}

Hello payload_hello(const Frame& f) {
    require(f, 10, "hello");
    return {static_cast<std::uint16_t>(get_be(f.payload.data(), 2)), get_be(f.payload.data() + 2, 8)};
}

const char* data_bytes(const Frame& f) {
    require(f, 8, "data");
    return f.payload.data() + 8;
}

std::size_t data_size(const Frame& f) {
    require(f, 8, "data");
    return f.payload.size() - 8;
}

PeerState payload_peer(const Frame& f) {
    require(f, 1, "peer");
    auto s = static_cast<std::uint8_t>(f.payload[0]);
    if (s > 2) throw ProtocolError("unknown peer state");
    return static_cast<PeerState>(s);
}

End payload_end(const Frame& f) {
    require(f, 1, "end");
    return {static_cast<EndReason>(static_cast<std::uint8_t>(f.payload[0])), f.payload.substr(1)};
}

std::size_t encoded_size(const char* header) {
    return kHeaderSize + static_cast<std::size_t>(get_be(header + 1, 4));
}

void FrameParser::feed(const char* bytes, std::size_t len) {
    if (filling_) {  // the rest of a big frame's payload first, in place
        std::size_t k = std::min(len, big_len_ - big_.payload.size());
        big_.payload.append(bytes, k);
        bytes += k;
        len -= k;
        if (len == 0) return;
    }
    if (pos_ > 0 && pos_ == buf_.size()) {
        buf_.clear();
        pos_ = 0;
    } else if (pos_ > 64 * 1024) {  // compact now and then, not on every frame
        buf_.erase(0, pos_);
        pos_ = 0;
    }
    buf_.append(bytes, len);
}

bool FrameParser::next(Frame& out) {
    if (filling_) {
        if (big_.payload.size() < big_len_) return false;
        out = std::move(big_);
        big_ = Frame{};
        filling_ = false;
        return true;  // bytes fed after this frame wait in buf_
    }
    if (buf_.size() - pos_ < kHeaderSize) return false;
    const char* h = buf_.data() + pos_;
    auto type = static_cast<std::uint8_t>(h[0]);
    auto len = static_cast<std::size_t>(get_be(h + 1, 4));
    if (!is_known(type)) throw ProtocolError("unknown frame type " + std::to_string(type));
    if (len > kMaxPayload) throw ProtocolError("frame of " + std::to_string(len) + " bytes exceeds the limit");
    std::size_t have = buf_.size() - pos_ - kHeaderSize;
    if (have < len) {
        if (len >= kStreamPayloadFrom) {  // take what is here; feed() appends the rest
            filling_ = true;
            big_.type = static_cast<FrameType>(type);
            big_len_ = len;
            big_.payload.reserve(len);
            big_.payload.assign(h + kHeaderSize, have);
            pos_ = buf_.size();
        }
        return false;
    }
    out.type = static_cast<FrameType>(type);
    out.payload.assign(h + kHeaderSize, len);
    pos_ += kHeaderSize + len;
    return true;
}

}  // namespace wire
