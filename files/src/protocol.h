// The file channel's wire format (docs/FILES.md, "Messages"). Internal to
// files/: the endpoint encodes and decodes here and nowhere else.
//
//   message = type:u8  length:u32 (big endian)  payload[length]
//
// Control payloads are JSON objects; DATA and ACK are binary because they
// are most of the traffic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "session/byte_stream.h"
#include "session/mux.h"

namespace files::proto {

// 2: the OFFER carries no hash; VERIFY brings it once the sender has it
// (a transfer starts without hashing the file first).
constexpr int kVersion = 2;

enum class Type : std::uint8_t {
    hello = 1,    // {"version"}                       first message each way
    offer = 2,    // {"id","name","size","stamp"}      sender -> receiver
    accept = 3,   // {"id","offset"}                   receiver -> sender: send from offset
    decline = 4,  // {"id","reason","code"}            receiver -> sender
    data = 5,     // id:u32 offset:u64 bytes...        sender -> receiver, in order
    ack = 6,      // id:u32 offset:u64                 receiver wrote everything below offset
    result = 7,   // {"id","ok","text"}                receiver -> sender: final name or error
    cancel = 8,   // {"id","by","reason","keep"}       either way; by = "sender"|"receiver"
    pause = 9,    // {"id"}                            receiver -> sender
    resume = 10,  // {"id"}                            receiver -> sender
    error = 11,   // {"message"}                       fatal: the channel ends after it
    verify = 12,  // {"id","sha256"}                   sender -> receiver: the whole file's hash, any time after OFFER
    last = verify,
};

constexpr std::size_t kHeaderSize = 5;
constexpr std::size_t kDataHeaderSize = 12;   // id:u32 offset:u64
constexpr std::size_t kChunk = 64 * 1024;     // bytes of file per DATA message, at most (what a receiver accepts)
// What a sender puts in one DATA message: 17 bytes less than 64 KiB, so that
// the message plus the mux header (6 bytes) is exactly one 64 KiB mux frame,
// which the end-to-end layer seals as four full 16 KiB records in one write.
// With kChunk, every chunk cost a second mux frame of 17 bytes and two more
// records and writes of a few bytes each (bench/files README).
constexpr std::size_t kSendChunk = session::kMuxMaxPayload - session::kMuxHeaderSize - kHeaderSize - kDataHeaderSize;
constexpr std::size_t kMaxControl = 16 * 1024;  // bytes; a JSON message with a 255-byte name is < 1 KiB

// The peer broke the protocol; what() says how. The channel is then ended.
class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One message; `payload` points into the reader's buffer and stays valid
// until the next call to MessageReader::next().
struct Message {
    Type type{};
    const char* payload = nullptr;
    std::size_t size = 0;  // bytes of payload
};

// Incremental reader: fills a buffer with large reads (few wakeups of the
// writer on the other side) and cuts whole messages out of it; "not enough
// bytes yet" just means read more. Memory: one fixed buffer.
// Throws ProtocolError for unknown types and lengths over the limit of
// their type (checked on the header, before buffering the payload).
class MessageReader {
public:
    explicit MessageReader(session::ByteStream& s);
    // false: the stream ended cleanly between two messages.
    bool next(Message& m);

private:
    bool fill(std::size_t need);  // false: clean end with nothing buffered
    session::ByteStream& s_;
    std::vector<char> buf_;
    std::size_t begin_ = 0, end_ = 0;  // unparsed bytes are buf_[begin_, end_)
};

// Encoders return a whole message ready for ByteStream::write.
std::string encode(Type type, const std::string& payload);
void put_header(char* out, Type type, std::uint32_t len);
void put_data_header(char* out, std::uint32_t id, std::uint64_t offset);
std::string encode_ack(std::uint32_t id, std::uint64_t offset);

struct Binary {
    std::uint32_t id;
    std::uint64_t offset;
};
// DATA and ACK payload prefix. Throws ProtocolError when too short.
Binary decode_binary(const Message& m);

}  // namespace files::proto
