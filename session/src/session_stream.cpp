// SessionStream: construction, the application side (read/write/fin/close)
// and state shared by the receive and send threads. The frame handling lives
// in session_stream_recv.cpp, the sending in session_stream_send.cpp.
#include "session/session_stream.h"

#include <algorithm>
#include <cstring>
#include <random>

namespace session {
namespace {

std::uint64_t random_epoch() {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

// Consumed receive-buffer bytes are dropped in bulk, not per read().

}  // namespace

const char* to_string(SessionState s) {
    switch (s) {
    case SessionState::connecting: return "connecting";
    case SessionState::waiting_for_peer: return "waiting for the other side";
    case SessionState::connected: return "connected";
    case SessionState::reconnecting: return "reconnecting";
    case SessionState::ended: return "ended";
    }
    return "?";
}

SessionStream::SessionStream(CarrierFactory factory, SessionOptions opts)
    : factory_(std::move(factory)), opts_(std::move(opts)), epoch_(random_epoch()) {
    outage_since_ = Clock::now();
    recv_thread_ = std::thread([this] { receive_loop(); });
    send_thread_ = std::thread([this] { send_loop(); });
}

SessionStream::~SessionStream() {
    close();
    recv_thread_.join();
    send_thread_.join();
}

std::size_t SessionStream::read(void* buf, std::size_t len) {
    std::unique_lock<std::mutex> lk(mu_);
    app_cv_.wait(lk, [&] {
        return !recvbuf_.empty() || finished_reading() || failed_ || closed_;
    });
    if (closed_) return 0;
    if (recvbuf_.empty()) {
        if (failed_) throw StreamError(error_);
        return 0;  // the peer's fin, or the session ended by us
    }
    std::size_t n = recvbuf_.read(static_cast<char*>(buf), len);
    consumed_ += n;
    stats_.consumed = consumed_;
    if (ack_deadline_ == Clock::time_point::max()) {
        ack_deadline_ = Clock::now() + opts_.ack_delay;
        send_cv_.notify_one();  // the send loop sleeps until this deadline at most
    }
    if (ack_due(false)) send_cv_.notify_one();
    return n;
}

void SessionStream::write(const void* buf, std::size_t len) {
    const char* p = static_cast<const char*>(buf);
    std::unique_lock<std::mutex> lk(mu_);
    while (len > 0) {
        app_cv_.wait(lk, [&] { return stopping() || sendbuf_.end() - acked_ < opts_.window; });
        if (closed_) throw StreamError("the stream is closed");
        if (failed_) throw StreamError(error_);
        if (ended_clean_) throw StreamError("the session has ended");
        if (fin_set_) throw StreamError("write after shutdown_write");
        std::size_t room = static_cast<std::size_t>(opts_.window - (sendbuf_.end() - acked_));
        std::size_t n = std::min(len, room);
        sendbuf_.append(p, n);
        p += n;
        len -= n;
        stats_.written = sendbuf_.end();
        stats_.max_unacked = std::max(stats_.max_unacked, sendbuf_.end() - acked_);
        send_cv_.notify_one();
    }
}

void SessionStream::shutdown_write() {
    std::lock_guard<std::mutex> lk(mu_);
    if (fin_set_) return;
    fin_set_ = true;  // fin offset = sendbuf_.end(), which no longer moves
    send_cv_.notify_one();
}

void SessionStream::close() {
    std::lock_guard<std::mutex> lk(mu_);
    if (closed_) return;
    closed_ = true;
    if (carrier_) carrier_->close();
    app_cv_.notify_all();
    send_cv_.notify_all();
    recv_cv_.notify_all();
}

bool SessionStream::drain(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lk(mu_);
    return app_cv_.wait_for(lk, timeout, [&] { return acked_ == sendbuf_.end() || stopping(); }) &&
           acked_ == sendbuf_.end();
}

void SessionStream::wait_for_peer() {
    std::unique_lock<std::mutex> lk(mu_);
    app_cv_.wait(lk, [&] { return peer_seen_ || stopping(); });
    if (peer_seen_) return;  // a later failure is the caller's next read's to report
    if (closed_) throw StreamError("the stream is closed");
    if (code_expired_) throw CodeExpiredError(error_);
    if (failed_) throw StreamError(error_);
    throw StreamError("the session has ended");
}

SessionStatus SessionStream::status() const {
    std::lock_guard<std::mutex> lk(mu_);
    return status_;
}

SessionStats SessionStream::stats() const {
    std::lock_guard<std::mutex> lk(mu_);
    return stats_;
}

bool SessionStream::finished_reading() const {
    return (peer_fin_set_ && consumed_ >= peer_fin_) || ended_clean_;
}

// A carrier stopped working: close it so that the thread blocked on it
// returns, and let the receive thread replace it. `gen` guards against a
// thread reporting a carrier that was already replaced.
void SessionStream::mark_broken(std::uint64_t gen, const std::string& why, bool fatal, bool planned) {
    if (gen != gen_ || broken_) return;
    broken_ = true;
    broken_why_ = why;
    broken_fatal_ = fatal;
    broken_planned_ = planned;
    if (carrier_) carrier_->close();
    recv_cv_.notify_all();
}

void SessionStream::fail(const std::string& why) {
    if (failed_ || closed_) return;
    failed_ = true;
    error_ = why;
    if (carrier_) carrier_->close();
    set_state(SessionState::ended, why);
    app_cv_.notify_all();
    send_cv_.notify_all();
    recv_cv_.notify_all();
}

void SessionStream::set_state(SessionState s, const std::string& detail) {
    if (status_.state == SessionState::ended) return;  // final
    if (status_.state == s && status_.detail == detail) return;
    status_.state = s;
    status_.detail = detail;
    status_queue_.push_back(status_);
}

// Runs the callback outside mu_, so that it may call status()/stats().
void SessionStream::flush_status() {
    std::vector<SessionStatus> q;
    {
        std::lock_guard<std::mutex> lk(mu_);
        q.swap(status_queue_);
    }
    if (!opts_.on_status) return;
    for (const auto& s : q) opts_.on_status(s);
}

}  // namespace session
