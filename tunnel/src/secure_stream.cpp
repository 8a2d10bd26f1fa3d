// SecureStream: the TLS layer plus the agreed authentication string.
#include "tunnel/secure_stream.h"

#include "secure_sas.h"
#include "secure_tls.h"

namespace tunnel {

SecureStream::SecureStream(std::unique_ptr<ByteStream> tls, std::string auth_string)
    : tls_(std::move(tls)), auth_string_(std::move(auth_string)) {}

std::size_t SecureStream::read(void* buf, std::size_t len) { return tls_->read(buf, len); }

void SecureStream::write(const void* buf, std::size_t len) { tls_->write(buf, len); }

void SecureStream::shutdown_write() { tls_->shutdown_write(); }

void SecureStream::close() { tls_->close(); }

std::unique_ptr<SecureStream> secure_handshake(std::unique_ptr<ByteStream> inner, SecureRole role) {
    std::unique_ptr<TlsStream> tls = tls_handshake(std::move(inner), role);
    std::string sas = exchange_sas(*tls, role);
    return std::make_unique<SecureStream>(std::move(tls), std::move(sas));
}

}  // namespace tunnel
