#include "desktop/input_gate.h"

namespace desktop {

namespace {
constexpr std::uint32_t kKeysymF11 = 0xffc8;
constexpr std::uint32_t kKeysymF12 = 0xffc9;
}  // namespace

bool is_reserved_keysym(std::uint32_t keysym) { return keysym == kKeysymF11 || keysym == kKeysymF12; }

void InputGate::pointer(int x, int y, int mask) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!consent_.allows_control()) {
        ++dropped_;
        return;
    }
    inj_.pointer(x, y, mask);
    buttons_ = mask;
    last_x_ = x;
    last_y_ = y;
}

void InputGate::key(std::uint32_t keysym, bool down) {
    std::lock_guard<std::mutex> lk(mu_);
    if (is_reserved_keysym(keysym) || !consent_.allows_control()) {
        ++dropped_;
        return;
    }
    // A release for a key we never pressed would be harmless but confusing.
    if (!down && !keys_down_.count(keysym)) return;
    inj_.key(keysym, down);
    if (down) keys_down_.insert(keysym);
    else keys_down_.erase(keysym);
}

void InputGate::revoke() {
    std::lock_guard<std::mutex> lk(mu_);
    for (auto k : keys_down_) inj_.key(k, false);
    keys_down_.clear();
    if (buttons_) inj_.pointer(last_x_, last_y_, 0);
    buttons_ = 0;
}

std::uint64_t InputGate::dropped() const {
    std::lock_guard<std::mutex> lk(mu_);
    return dropped_;
}

}  // namespace desktop
