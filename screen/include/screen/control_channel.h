// Messages over a ByteStream (normally mux channel `control`).
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "screen/control_protocol.h"
#include "tunnel/byte_stream.h"

namespace screen {

class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// send() may be called from any thread; receive() from one reader thread.
// The stream is borrowed and must outlive the channel.
class ControlChannel {
public:
    explicit ControlChannel(tunnel::ByteStream& s) : stream_(s) {}

    // Throws tunnel::StreamError.
    void send(const Message& m);
    // Blocks for the next message; nullopt at the end of the stream.
    // Throws ProtocolError on a malformed or oversized line.
    std::optional<Message> receive();

private:
    std::optional<std::string> next_line();

    tunnel::ByteStream& stream_;
    std::mutex write_mu_;
    std::string buf_;  // bytes read but not yet returned as a line
};

}  // namespace screen
