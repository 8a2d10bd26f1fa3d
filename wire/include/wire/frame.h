// Frames: the unit that crosses every HTTP body between an endpoint and the
// relay, in stream mode and poll mode alike (docs/PROTOCOL.md, "Frames").
//
//   frame = type:u8  length:u32 (big endian)  payload[length]
//
// Types 0x01-0x0f travel end to end: the relay forwards them to the peer
// untouched. Types 0x10-0x1f are between one endpoint and the relay.
// No C++ type of curl, httplib or OpenSSL appears here: the relay and the
// endpoints share this file and nothing else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace wire {

constexpr std::uint16_t kProtocolVersion = 1;

enum class FrameType : std::uint8_t {
    // end to end (forwarded by the relay)
    data = 0x01,    // offset:u64 bytes...   stream bytes starting at `offset`
    ack = 0x02,     // offset:u64            peer consumed everything below offset
    resend = 0x03,  // offset:u64            peer has all below offset, nothing above: resend from there
    fin = 0x04,     // offset:u64            sender will write nothing at or after offset
    hello = 0x05,   // version:u16 epoch:u64 first frame after every (re)connect
    // endpoint <-> relay
    ping = 0x10,    // stamp:u64             heartbeat; relay answers with pong (same payload)
    pong = 0x11,    // stamp:u64
    peer = 0x12,    // state:u8              relay -> endpoint (PeerState)
    end = 0x13,     // reason:u8 text...     session over (either direction)
};

enum class PeerState : std::uint8_t { waiting = 0, connected = 1, reconnecting = 2 };

enum class EndReason : std::uint8_t {
    by_peer = 1,         // the other side ended the session
    by_you = 2,          // echo of our own end request
    peer_timeout = 3,    // the other side was gone longer than the grace period
    expired = 4,         // nobody joined before the code expired
    relay_shutdown = 5,  // the relay is going away
    protocol_error = 6,  // malformed traffic
};

// Largest payload we accept (bytes). Bounds the parser's memory per frame;
// DATA frames are sent with at most kMaxDataChunk bytes.
constexpr std::size_t kMaxPayload = 1 << 20;
constexpr std::size_t kMaxDataChunk = 64 * 1024;
constexpr std::size_t kHeaderSize = 5;

inline bool is_end_to_end(FrameType t) { return static_cast<std::uint8_t>(t) < 0x10; }
// Bytes of the whole encoded frame (header included) whose kHeaderSize-byte
// header starts at `header`. Does not validate the frame.
std::size_t encoded_size(const char* header);
bool is_known(std::uint8_t type);

class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Frame {
    FrameType type{};
    std::string payload;
};

// Encoders append one whole frame to `out`.
void append_frame(std::string& out, FrameType type, const void* payload, std::size_t len);
void append_u64_frame(std::string& out, FrameType type, std::uint64_t value);
void append_data(std::string& out, std::uint64_t offset, const void* bytes, std::size_t len);
void append_hello(std::string& out, std::uint64_t epoch);
void append_peer(std::string& out, PeerState state);
void append_end(std::string& out, EndReason reason, const std::string& text);

// Payload readers. Throw ProtocolError when the payload is too short.
std::uint64_t payload_u64(const Frame& f);  // ack/resend/fin/ping/pong, and data's offset
struct Hello { std::uint16_t version; std::uint64_t epoch; };
Hello payload_hello(const Frame& f);
const char* data_bytes(const Frame& f);     // the bytes after data's offset
std::size_t data_size(const Frame& f);
PeerState payload_peer(const Frame& f);
struct End { EndReason reason; std::string text; };
End payload_end(const Frame& f);

// Incremental parser: feed any slicing of the byte stream; "not enough bytes
// yet" is the normal answer of next(). Unknown types and oversized lengths
// throw ProtocolError (the connection is then dropped: the stream is
// desynchronised). Memory: at most one partial frame is buffered.
class FrameParser {
public:
    // Never throws; a malformed header is reported by the next call to next().
    void feed(const char* bytes, std::size_t len);
    bool next(Frame& out);  // true: `out` holds the next whole frame
    // Bytes fed and not yet returned as frames (0 between whole frames).
    std::size_t buffered() const { return buf_.size() - pos_ + (filling_ ? kHeaderSize + big_.payload.size() : 0); }

private:
    // A frame whose payload is at least this long and not yet complete is
    // filled straight from feed() into its own payload (one copy, not two:
    // libcurl hands over at most 16 KiB at a time, so every 64 KiB data
    // frame arrives in pieces).
    static constexpr std::size_t kStreamPayloadFrom = 4096;

    std::string buf_;
    std::size_t pos_ = 0;
    bool filling_ = false;     // big_ is a validated header whose payload is arriving
    Frame big_;
    std::size_t big_len_ = 0;  // big_'s full payload length
};

}  // namespace wire
