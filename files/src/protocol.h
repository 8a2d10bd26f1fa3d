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

#include "tunnel/byte_stream.h"

namespace files::proto {

constexpr int kVersion = 1;

enum class Type : std::uint8_t {
    hello = 1,    // {"version"}                       first message each way
    offer = 2,    // {"id","name","size","sha256"}     sender -> receiver
    accept = 3,   // {"id","offset"}                   receiver -> sender: send from offset
    decline = 4,  // {"id","reason","code"}            receiver -> sender
    data = 5,     // id:u32 offset:u64 bytes...        sender -> receiver, in order
    ack = 6,      // id:u32 offset:u64                 receiver wrote everything below offset
    result = 7,   // {"id","ok","text"}                receiver -> sender: final name or error
    cancel = 8,   // {"id","by","reason","keep"}       either way; by = "sender"|"receiver"
    pause = 9,    // {"id"}                            receiver -> sender
    resume = 10,  // {"id"}                            receiver -> sender
    error = 11,   // {"message"}                       fatal: the channel ends after it
};

constexpr std::size_t kHeaderSize = 5;
constexpr std::size_t kDataHeaderSize = 12;   // id:u32 offset:u64
constexpr std::size_t kChunk = 64 * 1024;     // bytes of file per DATA message
constexpr std::size_t kMaxControl = 16 * 1024;  // bytes; a JSON message with a 255-byte name is < 1 KiB

// The peer broke the protocol; what() says how. The channel is then ended.
class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Message {
    Type type{};
    std::vector<char> payload;  // reused between messages: no allocation per chunk
};

// Reads whole messages from a blocking stream. The stream blocks for us, so
// reading the 5-byte header then the payload is the simplest correct parser.
// Returns false when the stream ended cleanly between messages.
// Throws ProtocolError for unknown types and oversized lengths (checked
// before any payload is read, so memory stays bounded).
bool read_message(tunnel::ByteStream& s, Message& m);

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
