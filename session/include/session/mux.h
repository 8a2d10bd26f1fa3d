// Mux: four independent byte streams (channels) over one ByteStream, the
// end-to-end secure channel (docs/PROTOCOL.md, section 5):
//
//   mux frame = channel:u8  kind:u8  length:u32be  payload[length]   (length <= 64 KiB)
//
// Flow control is per channel and credit based: a sender may have at most
// 1 MiB that the receiving application has not consumed yet, and the receiver
// returns credit as it consumes. So the Mux's reader thread never waits for
// an application, and a stalled file writer never stalls the screen.
//
// Threads: one reader thread (started by the constructor) reads the base
// stream and dispatches frames to the channels. Any channel thread writes;
// whole mux frames are serialised onto the base stream under one mutex.
// Errors: a malformed frame or a failed base stream fails every channel with
// the same StreamError (the base stream is then desynchronised and closed).
// Clean end: each side calls shutdown_write() on its channels (or
// Mux::shutdown_write()); once every channel is finished both ways the base
// stream's write side is shut down too.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "session/byte_stream.h"
#include "session/stream_buffers.h"

namespace session {

enum class Channel : std::uint8_t { control = 0, rfb = 1, file = 2, raw = 3 };
enum class MuxKind : std::uint8_t { data = 0, credit = 1, fin = 2, reset = 3 };

constexpr std::size_t kMuxChannels = 4;
constexpr std::size_t kMuxHeaderSize = 6;             // channel, kind, length
constexpr std::size_t kMuxMaxPayload = 64 * 1024;     // bytes per mux frame
constexpr std::size_t kMuxChannelWindow = 1 << 20;    // unconsumed bytes per channel (both sides agree)

const char* to_string(Channel c);

class Mux;

// One channel as a ByteStream. Created and owned by Mux; use Mux::channel().
// close() aborts this channel only and tells the peer (reset).
class MuxChannel : public ByteStream {
public:
    MuxChannel(Mux& mux, Channel id) : mux_(mux), id_(id) {}

    std::size_t read(void* buf, std::size_t len) override;
    void write(const void* buf, std::size_t len) override;
    void shutdown_write() override;
    void close() override;

    // Called by the Mux reader thread. on_data throws StreamError when the
    // peer overran its credit.
    void on_data(std::string payload);  // taken over, not copied
    void on_credit(std::uint32_t n);
    void on_fin();
    void on_reset();
    void on_base_end();
    void fail(const std::string& why);
    void abort_locally();  // Mux::close(): reads return 0, writes throw
    bool done_both_ways();

private:
    bool stopped() const { return closed_ || failed_ || reset_by_peer_; }
    void throw_if_unwritable() const;
    std::size_t take_credit_to_return();

    Mux& mux_;
    const Channel id_;
    std::mutex mu_;
    std::condition_variable cv_;
    ChunkQueue in_;                  // received, not yet read (frames' payloads, no compaction)
    std::size_t credit_ = kMuxChannelWindow;  // bytes we may still send
    std::size_t unreturned_ = 0;     // bytes read but not yet credited back
    bool peer_fin_ = false;
    bool fin_sent_ = false;          // shutdown_write() was called
    bool fin_written_ = false;       // ... and its frame is on the base stream
    bool closed_ = false;
    bool reset_by_peer_ = false;
    bool failed_ = false;
    std::string error_;
};

class Mux {
public:
    // `base` must outlive the Mux; the Mux reads it from its own thread and
    // writes it from channel threads.
    explicit Mux(ByteStream& base);
    ~Mux();  // close() and join the reader
    Mux(const Mux&) = delete;
    Mux& operator=(const Mux&) = delete;

    ByteStream& channel(Channel c);

    // fin on every channel not finished yet.
    void shutdown_write();
    // Aborts everything now: every channel's reads return 0, writes throw,
    // and the base stream is closed. Idempotent, any thread.
    void close();

private:
    friend class MuxChannel;
    void reader_loop();
    void read_frame();  // throws StreamError; returns normally after dispatch
    void dispatch_control(std::uint8_t ch, MuxKind kind, const char* payload, std::size_t len);
    // Writes one whole frame; on failure fails every channel and throws.
    void send_frame(Channel c, MuxKind k, const char* p, std::size_t n);
    void send_frame_locked(Channel c, MuxKind k, const char* p, std::size_t n);
    void send_reset(Channel c);  // never blocks: deferred if a writer is busy
    void flush_resets_locked();
    void fail_all(const std::string& why);
    void maybe_finish_base();

    ByteStream& base_;
    std::array<std::unique_ptr<MuxChannel>, kMuxChannels> channels_;
    std::mutex write_mu_;                  // one whole frame at a time on base_
    std::string tx_;                       // frame being written (under write_mu_), reused
    std::unique_ptr<char[]> rx_;           // kMuxMaxPayload bytes: the reader's frame buffer
    std::atomic<unsigned> pending_resets_{0};  // bit per channel
    std::atomic<bool> base_finished_{false};  // set under write_mu_
    std::atomic<bool> base_ended_{false};  // the reader saw the end of base_
    std::thread reader_;
};

}  // namespace session
