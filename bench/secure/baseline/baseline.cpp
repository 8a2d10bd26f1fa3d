#include "baseline.h"

#include "secure_sas.h"
#include "secure_tls.h"

namespace baseline_tls {

std::unique_ptr<session::ByteStream> handshake(std::unique_ptr<session::ByteStream> inner, secure::SecureRole role) {
    std::unique_ptr<TlsStream> tls = tls_handshake(std::move(inner), role);
    exchange_sas(*tls, role);
    return tls;
}

}  // namespace baseline_tls
