// TLS to the relay with SChannel (SSPI), over a connected Socket (direct or
// inside a CONNECT tunnel). The certificate chain and host name are checked
// by us after the handshake (SCH_CRED_MANUAL_CRED_VALIDATION) against the
// Windows store plus the optional CA file, so that the error can say what
// to do. Threads: one reader and one writer at a time (SChannel keeps the
// two directions' sequence numbers apart).
#pragma once

#define SECURITY_WIN32
#include <winsock2.h>
#include <windows.h>
#include <security.h>
#include <schannel.h>

#include <chrono>
#include <string>
#include <vector>

#include "socket.h"

namespace winnet {

// The certificate could not be trusted; what() names the reason.
struct TrustError {
    std::string reason;
};
// The handshake or a record failed (SSPI status in hex in `what`).
struct TlsError {
    std::string what;
};

// The DER certificates of a PEM file; throws TrustError when it cannot be read.
std::vector<std::string> read_pem_certificates(const std::string& path);

class Tls {
public:
    // `pending`: bytes already read from the socket (after a CONNECT answer).
    Tls(Socket& sock, std::string host, std::string pending = {});
    ~Tls();
    Tls(const Tls&) = delete;
    Tls& operator=(const Tls&) = delete;

    // Handshake, then the chain/name check. Throws TlsError, TrustError,
    // SocketError. `ca_file`: extra trusted CAs (PEM), may be empty.
    void handshake(const std::string& ca_file, std::chrono::milliseconds timeout);

    void write(const char* p, std::size_t n);  // throws TlsError, SocketError
    // Appends decrypted bytes to `out`; `closed` on close_notify or EOF.
    Socket::Read read_some(std::string& out, std::chrono::milliseconds timeout);

private:
    bool decrypt_buffered(std::string& out);  // true: appended something or closed
    void verify(const std::string& ca_file);

    Socket& sock_;
    std::string host_;
    std::string in_;  // ciphertext not yet decrypted
    bool closed_ = false;
    bool have_cred_ = false, have_ctx_ = false;
    CredHandle cred_{};
    CtxtHandle ctx_{};
    SecPkgContext_StreamSizes sizes_{};
};

}  // namespace winnet
