// Messages over a ByteStream (normally mux channel `control`).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "remote/control_protocol.h"
#include "session/byte_stream.h"

namespace remote {

// After saying bye we half-close the control channel and wait this long for
// the peer's own end before aborting it: long enough for a bye to cross a
// relay and a proxy, short enough that a dead peer does not hold us.
constexpr std::chrono::milliseconds kByeGrace{3000};
// When the screen channel ends first, the reader gets this long to see a
// bye on the control channel, so the person is told the real reason.
constexpr std::chrono::milliseconds kReasonGrace{500};

class ProtocolError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// send() may be called from any thread; receive() from one reader thread.
// The stream is borrowed and must outlive the channel.
class ControlChannel {
public:
    explicit ControlChannel(session::ByteStream& s) : stream_(s) {}

    // Throws session::StreamError.
    void send(const Message& m);
    // One line encoded elsewhere (an extension's codec: clipboard.h, chat.h),
    // without its '\n'; at most kMaxControlLine bytes. Throws session::StreamError.
    void send_line(const std::string& line);
    // Blocks for the next message; nullopt at the end of the stream.
    // Throws ProtocolError on a malformed or oversized line.
    std::optional<Message> receive();

private:
    std::optional<std::string> next_line();

    session::ByteStream& stream_;
    std::mutex write_mu_;
    std::string buf_;  // bytes read but not yet returned as a line
};

}  // namespace remote
