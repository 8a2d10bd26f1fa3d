// bench/secure's baseline: the end-to-end layer Tether had before the Noise
// channel (TLS 1.3 on OpenSSL, SAS from the TLS exporter), kept here, and
// only here, so one run measures the old and the new layer side by side.
// Not used by any program; its sources are the removed tunnel/src/secure_*
// files, moved unchanged but for the namespace.
#pragma once

#include <memory>

#include "session/byte_stream.h"
#include "secure/secure_stream.h"

namespace baseline_tls {

// The old secure_handshake() without its watchdog: TLS 1.3 handshake and
// SAS exchange over `inner`; returns the TLS stream.
std::unique_ptr<session::ByteStream> handshake(std::unique_ptr<session::ByteStream> inner, secure::SecureRole role);

}  // namespace baseline_tls
