#include "remote/pending_session.h"

namespace remote {

void PendingSession::begin() {
    std::lock_guard<std::mutex> lk(mu_);
    cancelled_ = false;
}

bool PendingSession::still_wanted() {
    std::lock_guard<std::mutex> lk(mu_);
    return !cancelled_;
}

std::unique_ptr<SessionLink> PendingSession::run(const std::function<void()>& abort,
                                                 const std::function<std::unique_ptr<SessionLink>()>& secure) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (cancelled_) {
            abort();  // cancelled while the code was being shown
            return nullptr;
        }
        abort_ = &abort;
    }
    std::unique_ptr<SessionLink> link;
    try {
        link = secure();
    } catch (...) {
        std::lock_guard<std::mutex> lk(mu_);
        abort_ = nullptr;
        if (cancelled_) return nullptr;
        throw;
    }
    std::lock_guard<std::mutex> lk(mu_);
    abort_ = nullptr;
    return link;
}

void PendingSession::cancel() {
    std::lock_guard<std::mutex> lk(mu_);
    cancelled_ = true;
    if (abort_) (*abort_)();  // aborts the wait or the handshake (secure_stream.h)
}

}  // namespace remote
