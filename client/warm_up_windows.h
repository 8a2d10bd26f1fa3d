// What tether-client.exe does while the customer types the code: the
// one-time work of the first Connect that needs no code, started at
// start-up on a thread of its own: winnet::warm_up (the Root store and
// chain engine, 0.2-0.5 s under wine at the first chain check; the
// SChannel package; the first hop's DNS) and the first random bytes (the
// system's RNG provider). Figures: bench/winclient/README.md.
// The connect does not wait for it: if the code comes first, both simply
// run side by side (each step is safe to run concurrently).
#pragma once

#include <functional>
#include <thread>

#include "winnet/config.h"

namespace client {

class WarmUp {
public:
    // `first_route`: the route the first connect will try first; `more`:
    // the program's own one-time work, run after it (the screen's capture).
    WarmUp(const winnet::Config& first_route, std::function<void()> more);
    // Joins: after a session it is long done; after a connect that failed
    // at once, the exit waits for it (< 0.5 s under wine).
    ~WarmUp();
    WarmUp(const WarmUp&) = delete;
    WarmUp& operator=(const WarmUp&) = delete;

private:
    std::thread thread_;
};

}  // namespace client
