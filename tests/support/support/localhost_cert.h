// A throw-away self-signed P-256 certificate for `localhost` (openssl req),
// for the servers a Windows program under wine checks (nginx in front of
// the relay): its ECDSA signature always has full-length r and s, since
// wine 8's crypt32 rejects the others (relay/src/dev_cert.cpp says why).
#pragma once

#include <string>

namespace test_support {

// Writes the certificate (also its own CA file) and its key; throws with
// openssl's words if it fails.
void make_localhost_certificate(const std::string& cert_file, const std::string& key_file);

}  // namespace test_support
