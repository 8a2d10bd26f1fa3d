// Benchmark baseline (was internal to tunnel/ until the Noise channel): the TLS 1.3 layer of SecureStream, without the SAS.
// Split out so tests can build a man in the middle from the same engine.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "session/byte_stream.h"
#include "secure/secure_stream.h"

namespace baseline_tls {
using namespace session;  // the old tunnel/ code, moved here as it was (ByteStream is session::)
using secure::SecureRole;

// A ByteStream carried as TLS 1.3 records over an inner ByteStream.
// Error semantics are those documented on SecureStream.
class TlsStream : public session::ByteStream {
public:
    // RFC 8446 section 7.5 exporter: `len` bytes bound to this TLS session
    // (different on the two halves of a man in the middle).
    virtual std::vector<unsigned char> export_secret(const std::string& label,
                                                     std::size_t len) const = 0;

    // Asks the peer to rotate keys (RFC 8446 section 4.6.3); the message goes
    // out with our next write. For long sessions and tests.
    virtual void request_key_update() = 0;
};

// Blocking TLS 1.3 handshake over `inner`; throws StreamError on failure.
std::unique_ptr<TlsStream> tls_handshake(std::unique_ptr<session::ByteStream> inner, SecureRole role);

}  // namespace baseline_tls
