// The one interface everything above tunnel/ sees: a reliable, ordered,
// full-duplex byte stream. Whether bytes travel directly, through a CONNECT
// tunnel or by HTTP polling, encrypted end to end or not, is invisible here.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace session {

// The stream failed (as opposed to ending cleanly). what() is a sentence a
// person can act on, e.g. "the relay ended the session: the peer left".
class StreamError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Threading contract: at most one thread inside read() and at most one inside
// write() at a time; they may be different threads running concurrently.
// shutdown_write() is called by the writer side; close() may be called from
// any thread at any time and wakes blocked readers and writers.
// Lifetime: the owner destroys the stream only after its reader and writer
// have returned.
class ByteStream {
public:
    virtual ~ByteStream() = default;

    // Blocks until at least one byte is available, then copies up to `len`
    // bytes into `buf` and returns how many. Returns 0 once the peer has
    // finished writing (after all its data) or after close().
    // Throws StreamError when the stream failed.
    virtual std::size_t read(void* buf, std::size_t len) = 0;

    // Blocks until all `len` bytes are accepted (this is the back-pressure).
    // Throws StreamError on failure or after close().
    virtual void write(const void* buf, std::size_t len) = 0;

    // No more writes from us: the peer's read() returns 0 after our data.
    // Idempotent.
    virtual void shutdown_write() = 0;

    // Aborts both directions now. Idempotent, callable from any thread.
    virtual void close() = 0;
};

// Reads exactly `len` bytes. Returns false if the stream ended cleanly before
// the first byte; throws StreamError if it ended in the middle.
bool read_exact(ByteStream& s, void* buf, std::size_t len);

// Two in-memory streams connected back to back (what one writes, the other
// reads). Each direction buffers at most `capacity` bytes, so writers block
// like on a socket. For tests, and for joining layers inside one process.
std::pair<std::unique_ptr<ByteStream>, std::unique_ptr<ByteStream>>
make_stream_pair(std::size_t capacity = 256 * 1024);

// A non-owning ByteStream that forwards to `target` (which must outlive it),
// for layers that take ownership of what they wrap (secure_handshake) when
// the caller keeps the real stream (e.g. to end the session at the relay).
std::unique_ptr<ByteStream> borrow(ByteStream& target);
// A ByteStream that forwards to `target` and shares its ownership: `target`
// lives until the last holder lets go. For a stream that a layer takes over
// (secure_handshake destroys what it was given when it throws) while
// another thread may still be using it (remote::PendingSession's abort).
std::unique_ptr<ByteStream> share(std::shared_ptr<ByteStream> target);

// Copies bytes both ways between `a` and `b` until both directions ended or
// one failed; propagates end of stream with shutdown_write(). Blocks; uses
// one extra thread. Returns the error message of the first failure, or "".
std::string pump(ByteStream& a, ByteStream& b);

}  // namespace session
