// Work the first connection to the relay does once per process and that
// does not depend on the session code, done ahead of it: a customer starts
// tether-client.exe, then types the code read out on the phone (seconds),
// so this runs meanwhile on a thread of its own (client/warm_up_windows.h).
//
// Measured under wine 8 (bench/winclient/README.md): the first certificate
// chain check of a process costs 224-462 ms (wine's crypt32 builds its Root
// store from the host's certificates), later ones 0.3 ms; the first SChannel
// credential 2-10 ms. Real Windows has cheaper first calls, but the same
// one-time shape (the chain engine, the SChannel package, the DNS cache).
#pragma once

#include "winnet/config.h"

namespace winnet {

// Opens the Root store and builds one certificate chain (the chain engine
// and the store the relay's check will use), acquires and frees one
// SChannel client credential, and resolves the first hop of `first_route`
// (its proxy, else the relay; Windows' DNS client caches the answer).
// Contract: never throws, never touches a connection; safe beside a
// connect on another thread (each call is thread-safe in Windows; two
// threads meeting at the first Root store at worst both build it), so it
// can only make the connect faster, never break or delay it beyond the CPU
// it shares. Returns when done (~0.2-0.5 s under wine, ms on Windows).
void warm_up(const Config& first_route) noexcept;

}  // namespace winnet
