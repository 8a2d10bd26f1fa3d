// The relay's long-term X25519 key for plain-HTTP request authentication
// (e2e/request_auth.h, docs/SECURITY.md "Plain HTTP"). Endpoints that may
// use plain HTTP pin its public half (proxy.conf `relay_key`), so a proxy
// that sees the key agreement cannot learn the request keys.
#pragma once

#include <string>

#include "e2e/crypto.h"

namespace relay {

struct RelayKey {
    e2e::Key secret{}, public_key{};
};

// The key in `path` (64 hex digits of the private key, a comment line
// allowed), created there (mode 0600, its directory too) if the file does
// not exist. Throws std::runtime_error naming the file on a bad file.
RelayKey load_or_create_relay_key(const std::string& path);
// A key for this run only (no --request-key): pins of it break at restart.
RelayKey fresh_relay_key();

}  // namespace relay
