#include "remote/session_recorder.h"

#include <algorithm>

namespace remote {

std::string transport_word(session::TransportMode m) {
    return m == session::TransportMode::automatic ? "" : session::to_string(m);
}

void SessionRecorder::begin(std::shared_ptr<SessionRecord> record, const std::string& role, const std::string& relay,
                            const SessionLink& link) {
    end_transport();
    auto watch = link.transport();
    {
        std::lock_guard<std::mutex> lk(mu_);
        record_ = std::move(record);
        recorded_ended_ = 0;
        mode_ = watch ? watch->current() : session::TransportMode::automatic;
        watch_ = watch;
        record_->start(role, relay, link.route(), link.proxy(), transport_word(mode_));
        record_->auth(link.auth_string());
    }
    if (!watch) return;
    watch->listen([this](session::TransportMode m) { note_transport(m); });
    note_transport(watch->current());  // a move between current() above and listen()
}

void SessionRecorder::note_transport(session::TransportMode m) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!record_ || m == mode_ || m == session::TransportMode::automatic) return;
    mode_ = m;
    record_->transport(transport_word(m));
}

void SessionRecorder::end_transport() {
    std::shared_ptr<session::TransportWatch> watch;
    {
        std::lock_guard<std::mutex> lk(mu_);
        watch = std::move(watch_);
    }
    if (watch) watch->listen(nullptr);  // returns once no call of ours runs
}

void SessionRecorder::with(const std::function<void(SessionRecord&)>& f) {
    std::lock_guard<std::mutex> lk(mu_);
    if (record_) f(*record_);
}

void SessionRecorder::files(std::vector<TransferRow> rows) {
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.ended < b.ended; });
    std::lock_guard<std::mutex> lk(mu_);
    for (const auto& r : rows) {
        if (r.ended == 0 || r.ended <= recorded_ended_) continue;
        recorded_ended_ = r.ended;
        if (!record_) continue;
        bool done = r.state == TransferState::done;
        record_->file({r.direction == files::Direction::send ? "sent" : "received", r.name, r.size,
                       done ? "done" : "failed", done ? r.path : ""});
    }
}

void SessionRecorder::end(const std::string& reason) {
    end_transport();
    std::lock_guard<std::mutex> lk(mu_);
    if (record_) record_->end(reason);
}

void SessionRecorder::close() {
    end_transport();
    std::shared_ptr<SessionRecord> gone;
    {
        std::lock_guard<std::mutex> lk(mu_);
        gone = std::move(record_);
    }
    // `gone` closes here, outside mu_ (it waits for its file hashes).
}

std::shared_ptr<SessionRecord> SessionRecorder::current() const {
    std::lock_guard<std::mutex> lk(mu_);
    return record_;
}

}  // namespace remote
