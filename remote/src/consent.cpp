#include "remote/consent.h"

namespace remote {

void Consent::on_change(Listener l) {
    std::lock_guard<std::mutex> lk(mu_);
    listener_ = std::move(l);
}

ConsentState Consent::state() const {
    std::lock_guard<std::mutex> lk(mu_);
    return state_;
}

void Consent::toggle_control() {
    change([](ConsentState& s) { s.control = !s.control; });
}

void Consent::toggle_files() {
    change([](ConsentState& s) { s.files = !s.files; });
}

void Consent::withdraw_control() {
    change([](ConsentState& s) { s.control = false; });
}

void Consent::set(ConsentState s) {
    change([&](ConsentState& cur) { cur = s; });
}

void Consent::end() {
    change([](ConsentState& s) { s = ConsentState{}; });
    std::lock_guard<std::mutex> lk(mu_);
    ended_ = true;
}

// The listener is called outside the lock so it may read state() again.
void Consent::change(const std::function<void(ConsentState&)>& f) {
    ConsentState after;
    Listener l;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (ended_) return;
        ConsentState before = state_;
        f(state_);
        if (state_ == before) return;
        after = state_;
        l = listener_;
    }
    if (l) l(after);
}

}  // namespace remote
