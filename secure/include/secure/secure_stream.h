// End-to-end encryption between desk and client, inside the paired session
// stream: the relay and every proxy on the way carry only ciphertext.
//
// Desk and client run a Noise handshake (Noise_NN_25519_AESGCM_SHA256,
// version 2 of the Tether end-to-end protocol; docs/SECURITY.md) over the
// session stream: two fresh X25519 keys per session, AES-256-GCM records.
// Neither side has a key anyone vouches for. Authentication is the short
// authentication string (SAS), which both people compare on the phone: a
// man in the middle ends up with two different Noise sessions and, because
// of a commit-then-reveal exchange of nonces bound to each session's
// handshake hash (see docs/SECURITY.md), cannot make the two strings agree
// except by a 1 in 10^6 guess.
//
// No cryptography library type appears here; the engine is e2e/ (libgcrypt,
// one source for Linux and Windows) framed by secure/src/secure_*.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "session/byte_stream.h"

namespace secure {

enum class SecureRole {
    desk,    // Noise responder: answers the client's first message
    client,  // Noise initiator: sends the first message (and the SAS commitment)
};

// A ByteStream whose bytes travel encrypted and integrity-protected over an
// inner ByteStream. Same threading contract as ByteStream (one reader thread
// and one writer thread may run concurrently).
// - read() returns 0 only after the peer's shutdown_write() (an encrypted
//   close record) or after our own close(). If the inner stream ends without
//   the close record, read() throws StreamError (truncation), never a silent
//   clean end.
// - A byte altered in transit makes read() throw StreamError; no altered or
//   unauthenticated byte is ever returned. After any failure the session is
//   dead: the inner stream is closed and later calls throw the same error.
// Longest a handshake (Noise NN plus the SAS exchange) may take once both
// sides are present: about 2 ms on loopback, a few round trips on a slow
// path; 30 s is far beyond both. Waiting for the peer to join is not part
// of it (secure_session waits for that first, as long as the code lives).
constexpr std::chrono::milliseconds kSecureHandshakeTimeout{30000};

class SecureStream : public session::ByteStream {
public:
    // `channel` is the established encrypted layer (owned); `auth_string` its SAS.
    SecureStream(std::unique_ptr<session::ByteStream> channel, std::string auth_string);

    std::size_t read(void* buf, std::size_t len) override;
    void write(const void* buf, std::size_t len) override;
    void shutdown_write() override;
    void close() override;

    // The short authentication string, e.g. "123 456": six digits, equal on
    // desk and client if and only if nobody sits in the middle (up to a
    // 1 in 10^6 chance). It reveals nothing about the keys, so showing and
    // printing it is safe; it only protects when a person compares it with
    // the other side.
    std::string auth_string() const { return auth_string_; }

private:
    std::unique_ptr<session::ByteStream> channel_;
    std::string auth_string_;
};

// Runs the Noise handshake and the SAS exchange over `inner`, blocking,
// before any other byte of the session. Both sides must call it, one as desk
// and one as client (two desks would wait for each other until the timeout: the relay
// assigns the roles). Throws StreamError with a sentence a person can act on
// if the peer is not a compatible Tether endpoint (another version of the
// end-to-end protocol is named), the stream ends, or the bytes were altered. To abort a handshake in progress, close() the inner
// stream from another thread; that thread must not touch the inner stream
// once this function has returned or thrown (it then belongs to the
// SecureStream, or is destroyed). A handshake not finished within `timeout`
// (a peer that is connected but never answers) closes the inner stream and
// throws StreamError saying so. The timeout runs from this call: call it
// once the peer is present (tunnel::secure_session does), never while
// waiting for someone to join.
std::unique_ptr<SecureStream> secure_handshake(std::unique_ptr<session::ByteStream> inner, SecureRole role,
                                               std::chrono::milliseconds timeout = kSecureHandshakeTimeout);

}  // namespace secure
