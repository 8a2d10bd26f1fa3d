// Who holds connections: counts per source address and of connections not
// yet authenticated, so that one address, or strangers together, cannot take
// every descriptor (like sshd's MaxStartups). A connection is admitted with a
// Slot that gives its place back when destroyed. Thread-safe. Internal.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "relay/metrics.h"

namespace relay {

class ConnectionRegistry {
public:
    // 0 means unlimited, for either cap.
    ConnectionRegistry(std::size_t max_per_address, std::size_t max_unauthenticated)
        : max_per_address_(max_per_address), max_unauthenticated_(max_unauthenticated) {}

    class Slot {
    public:
        Slot() = default;
        Slot(Slot&& o) noexcept { *this = std::move(o); }
        Slot& operator=(Slot&& o) noexcept;
        ~Slot() { release(); }
        // The connection proved a token or made a session: it leaves the
        // unauthenticated pool (its address still counts).
        void authenticated();

    private:
        friend class ConnectionRegistry;
        void release();
        ConnectionRegistry* registry_ = nullptr;
        std::string address_;
        bool unauthenticated_ = false;
    };

    // A slot for a new connection from `address`, or the cap it would cross.
    std::optional<Slot> admit(const std::string& address, Refusal& why);
    std::size_t unauthenticated() const;
    std::size_t open() const;

private:
    const std::size_t max_per_address_, max_unauthenticated_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::size_t> per_address_;
    std::size_t unauthenticated_ = 0, open_ = 0;
};

}  // namespace relay
