// Mux: the reader thread (parse, validate, dispatch) and serialised frame
// writes onto the base stream. Channel behaviour is in mux_channel.cpp.
#include "session/mux.h"

namespace session {
namespace {

std::uint32_t get_u32(const char* p) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}

void put_u32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

StreamError malformed(const std::string& what) { return StreamError("malformed mux frame: " + what); }

// Like read_exact, but an end inside a frame is reported as a mux error.
bool read_whole(ByteStream& s, char* p, std::size_t len) {
    for (std::size_t got = 0; got < len;) {
        std::size_t n = s.read(p + got, len - got);
        if (n == 0 && got == 0) return false;
        if (n == 0) throw malformed("the stream ended inside a frame");
        got += n;
    }
    return true;
}

}  // namespace

const char* to_string(Channel c) {
    switch (c) {
    case Channel::control: return "control";
    case Channel::rfb: return "rfb";
    case Channel::file: return "file";
    case Channel::raw: return "raw";
    }
    return "?";
}

Mux::Mux(ByteStream& base) : base_(base) {
    for (std::size_t i = 0; i < kMuxChannels; ++i)
        channels_[i] = std::make_unique<MuxChannel>(*this, static_cast<Channel>(i));
    reader_ = std::thread([this] { reader_loop(); });
}

Mux::~Mux() {
    close();
    reader_.join();
}

ByteStream& Mux::channel(Channel c) { return *channels_.at(static_cast<std::size_t>(c)); }

void Mux::shutdown_write() {
    for (auto& c : channels_) c->shutdown_write();
}

void Mux::close() {
    for (auto& c : channels_) c->abort_locally();
    base_.close();
}

void Mux::reader_loop() {
    try {
        while (!base_ended_) read_frame();
    } catch (const StreamError& e) {
        fail_all(e.what());
        return;
    } catch (const std::exception& e) {  // a base stream breaking its contract
        fail_all(std::string("the stream under the mux failed: ") + e.what());
        return;
    }
    for (auto& c : channels_) c->on_base_end();
}

// One frame: header, validation, payload, dispatch. Sets base_ended_ when the
// base stream ended cleanly between frames.
void Mux::read_frame() {
    char h[kMuxHeaderSize];
    if (!read_whole(base_, h, sizeof h)) {
        base_ended_ = true;
        return;
    }
    auto ch = static_cast<std::uint8_t>(h[0]);
    auto kind = static_cast<std::uint8_t>(h[1]);
    std::uint32_t len = get_u32(h + 2);
    if (ch >= kMuxChannels) throw malformed("unknown channel " + std::to_string(ch));
    if (kind > static_cast<std::uint8_t>(MuxKind::reset)) throw malformed("unknown kind " + std::to_string(kind));
    if (len > kMuxMaxPayload) throw malformed("length " + std::to_string(len) + " over the 64 KiB limit");
    if (static_cast<MuxKind>(kind) == MuxKind::data) {
        // Data goes straight into the string the channel keeps until it is
        // read: one copy less than staging it (this path carries every byte
        // of the screen and of file transfers).
        std::string payload(len, '\0');
        if (len > 0 && !read_whole(base_, &payload[0], len)) throw malformed("the stream ended inside a frame");
        channels_[ch]->on_data(std::move(payload));
        return;
    }
    // Control frames (credit, fin, reset: a few bytes) share one buffer.
    if (!rx_) rx_.reset(new char[kMuxMaxPayload]);
    if (len > 0 && !read_whole(base_, rx_.get(), len)) throw malformed("the stream ended inside a frame");
    dispatch_control(ch, static_cast<MuxKind>(kind), rx_.get(), len);
}

void Mux::dispatch_control(std::uint8_t ch, MuxKind kind, const char* payload, std::size_t len) {
    MuxChannel& c = *channels_[ch];
    switch (kind) {
    case MuxKind::data: break;  // read_frame hands data over itself
    case MuxKind::credit:
        if (len != 4) throw malformed("credit payload of " + std::to_string(len) + " bytes");
        return c.on_credit(get_u32(payload));
    case MuxKind::fin: c.on_fin(); break;
    case MuxKind::reset: c.on_reset(); break;
    }
    maybe_finish_base();
}

void Mux::send_frame(Channel c, MuxKind k, const char* p, std::size_t n) {
    std::lock_guard<std::mutex> lk(write_mu_);
    send_frame_locked(c, k, p, n);
}

void Mux::send_frame_locked(Channel c, MuxKind k, const char* p, std::size_t n) {
    // After the base stream finished, a reader may still return credit or a
    // channel reset: the peer finished every channel and needs neither.
    if (base_finished_ && (k == MuxKind::credit || k == MuxKind::reset)) return;
    if (base_finished_) throw StreamError(std::string("the mux already finished; cannot send on the ") +
                                          to_string(c) + " channel");
    flush_resets_locked();
    // Header and payload in one write: one TLS record per frame below us.
    tx_.clear();
    tx_.push_back(static_cast<char>(c));
    tx_.push_back(static_cast<char>(k));
    put_u32(tx_, static_cast<std::uint32_t>(n));
    tx_.append(p, n);
    try {
        base_.write(tx_.data(), tx_.size());
    } catch (const StreamError& e) {
        fail_all(e.what());
        throw;
    }
}

// close() may come from any thread while a writer is blocked in base_.write:
// then the reset goes out right after that writer's frame.
void Mux::send_reset(Channel c) {
    pending_resets_ |= 1u << static_cast<unsigned>(c);
    std::unique_lock<std::mutex> lk(write_mu_, std::try_to_lock);
    if (!lk.owns_lock()) return;
    try {
        flush_resets_locked();
    } catch (const StreamError&) {
        // fail_all() already told every channel
    }
}

void Mux::flush_resets_locked() {
    if (base_finished_) return;
    unsigned bits = pending_resets_.exchange(0);
    for (unsigned i = 0; i < kMuxChannels; ++i)
        if (bits & (1u << i)) {
            char frame[kMuxHeaderSize] = {static_cast<char>(i), static_cast<char>(MuxKind::reset), 0, 0, 0, 0};
            base_.write(frame, sizeof frame);
        }
}

void Mux::fail_all(const std::string& why) {
    for (auto& c : channels_) c->fail(why);
    base_.close();  // after a malformed frame the byte stream is desynchronised
}

// Once no channel will send or need credit any more, the base stream's
// write side ends too, so the peer's reader sees a clean end.
void Mux::maybe_finish_base() {
    for (auto& c : channels_)
        if (!c->done_both_ways()) return;
    std::lock_guard<std::mutex> lk(write_mu_);
    if (base_finished_) return;
    try {
        flush_resets_locked();
        base_finished_ = true;
        base_.shutdown_write();
    } catch (const StreamError&) {
    }
}

}  // namespace session
