#include "connection_registry.h"

namespace relay {

ConnectionRegistry::Slot& ConnectionRegistry::Slot::operator=(Slot&& o) noexcept {
    if (this == &o) return *this;
    release();
    registry_ = o.registry_;
    address_ = std::move(o.address_);
    unauthenticated_ = o.unauthenticated_;
    o.registry_ = nullptr;
    return *this;
}

void ConnectionRegistry::Slot::authenticated() {
    if (!registry_ || !unauthenticated_) return;
    unauthenticated_ = false;
    std::lock_guard<std::mutex> lock(registry_->mutex_);
    --registry_->unauthenticated_;
}

void ConnectionRegistry::Slot::release() {
    if (!registry_) return;
    std::lock_guard<std::mutex> lock(registry_->mutex_);
    auto it = registry_->per_address_.find(address_);
    if (it != registry_->per_address_.end() && --it->second == 0) registry_->per_address_.erase(it);
    if (unauthenticated_) --registry_->unauthenticated_;
    --registry_->open_;
    registry_ = nullptr;
}

std::optional<ConnectionRegistry::Slot> ConnectionRegistry::admit(const std::string& address, Refusal& why) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t& mine = per_address_[address];
    if (max_per_address_ && mine >= max_per_address_) {
        if (mine == 0) per_address_.erase(address);
        why = Refusal::per_address;
        return std::nullopt;
    }
    if (max_unauthenticated_ && unauthenticated_ >= max_unauthenticated_) {
        if (mine == 0) per_address_.erase(address);
        why = Refusal::unauthenticated;
        return std::nullopt;
    }
    ++mine;
    ++unauthenticated_;
    ++open_;
    Slot s;
    s.registry_ = this;
    s.address_ = address;
    s.unauthenticated_ = true;
    return s;
}

std::size_t ConnectionRegistry::unauthenticated() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return unauthenticated_;
}

std::size_t ConnectionRegistry::open() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return open_;
}

}  // namespace relay
