// MuxChannel: one channel's buffers, credit and end-of-stream states.
#include "session/mux.h"

#include <algorithm>
#include <cstring>

namespace session {
namespace {

// Credit goes back once a quarter window was consumed: few credit frames,
// and the sender always keeps at least 3/4 of the window to work with.
constexpr std::size_t kCreditStep = kMuxChannelWindow / 4;

std::string channel_name(Channel c) { return std::string("the ") + to_string(c) + " channel"; }

}  // namespace

std::size_t MuxChannel::read(void* buf, std::size_t len) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return !in_.empty() || peer_fin_ || stopped(); });
    if (closed_) return 0;
    if (reset_by_peer_) throw StreamError("the other side reset " + channel_name(id_));
    if (in_.empty()) {
        if (failed_) throw StreamError(error_);
        return 0;  // the peer's fin
    }
    std::size_t n = in_.read(static_cast<char*>(buf), len);
    unreturned_ += n;
    std::size_t credit = take_credit_to_return();
    lk.unlock();
    if (credit > 0) {
        char p[4] = {static_cast<char>(credit >> 24), static_cast<char>(credit >> 16),
                     static_cast<char>(credit >> 8), static_cast<char>(credit)};
        try {
            mux_.send_frame(id_, MuxKind::credit, p, sizeof p);
        } catch (const StreamError&) {
            // every channel has the error now; the data we return is still good
        }
    }
    return n;
}

// Credit is pointless once the peer finished or the channel stopped.
std::size_t MuxChannel::take_credit_to_return() {
    if (unreturned_ < kCreditStep || peer_fin_ || stopped()) return 0;
    std::size_t n = unreturned_;
    unreturned_ = 0;
    return n;
}

void MuxChannel::write(const void* buf, std::size_t len) {
    const char* p = static_cast<const char*>(buf);
    while (len > 0) {
        std::size_t n;
        {
            std::unique_lock<std::mutex> lk(mu_);
            cv_.wait(lk, [&] { return credit_ > 0 || stopped(); });
            throw_if_unwritable();
            n = std::min({len, credit_, kMuxMaxPayload});
            credit_ -= n;
        }
        mux_.send_frame(id_, MuxKind::data, p, n);
        p += n;
        len -= n;
    }
}

void MuxChannel::throw_if_unwritable() const {
    if (closed_) throw StreamError(channel_name(id_) + " is closed");
    if (failed_) throw StreamError(error_);
    if (reset_by_peer_) throw StreamError("the other side reset " + channel_name(id_));
    if (fin_sent_) throw StreamError("write after shutdown_write on " + channel_name(id_));
}

void MuxChannel::shutdown_write() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (fin_sent_ || stopped()) return;
        fin_sent_ = true;
    }
    try {
        mux_.send_frame(id_, MuxKind::fin, nullptr, 0);
    } catch (const StreamError&) {
        return;  // every channel has the error now
    }
    {
        std::lock_guard<std::mutex> lk(mu_);
        fin_written_ = true;  // only now may the base stream finish
    }
    mux_.maybe_finish_base();
}

void MuxChannel::close() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (closed_) return;
        closed_ = true;
        cv_.notify_all();
        if (failed_ || reset_by_peer_) return;  // nothing to tell the peer
    }
    mux_.send_reset(id_);
    mux_.maybe_finish_base();
}

void MuxChannel::on_data(std::string payload) {
    const std::size_t n = payload.size();
    std::lock_guard<std::mutex> lk(mu_);
    if (closed_ || reset_by_peer_) return;  // the peer learns from our reset
    if (peer_fin_) throw StreamError("malformed mux frame: data after fin on " + channel_name(id_));
    if (in_.size() + n > kMuxChannelWindow)
        throw StreamError("malformed mux frame: the other side overran its credit on " + channel_name(id_));
    in_.push(std::move(payload), 0, n);
    cv_.notify_all();
}

void MuxChannel::on_credit(std::uint32_t n) {
    std::lock_guard<std::mutex> lk(mu_);
    credit_ += n;
    cv_.notify_all();
}

void MuxChannel::on_fin() {
    std::lock_guard<std::mutex> lk(mu_);
    peer_fin_ = true;
    cv_.notify_all();
}

void MuxChannel::on_reset() {
    std::lock_guard<std::mutex> lk(mu_);
    reset_by_peer_ = true;
    in_ = ChunkQueue{};
    cv_.notify_all();
}

// The base stream ended cleanly: fine for a channel the peer finished,
// an abrupt end for any other.
void MuxChannel::on_base_end() {
    std::lock_guard<std::mutex> lk(mu_);
    if (peer_fin_ || stopped()) return;
    failed_ = true;
    // A person reads this as "Session ended: the connection to the customer
    // failed: ..." (issue 16: no channel names in what people read).
    error_ = "it ended without a goodbye (the other program was closed, or its computer lost the network)";
    cv_.notify_all();
}

void MuxChannel::fail(const std::string& why) {
    std::lock_guard<std::mutex> lk(mu_);
    if (failed_) return;
    failed_ = true;
    error_ = why;
    cv_.notify_all();
}

void MuxChannel::abort_locally() {
    std::lock_guard<std::mutex> lk(mu_);
    closed_ = true;
    cv_.notify_all();
}

bool MuxChannel::done_both_ways() {
    std::lock_guard<std::mutex> lk(mu_);
    return (fin_written_ || closed_ || failed_) && (peer_fin_ || reset_by_peer_ || failed_);
}

}  // namespace session
