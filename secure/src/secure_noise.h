// Internal to secure/: the Noise layer of SecureStream, without the SAS.
// Split out so tests can build a man in the middle from the same engine.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "e2e/noise.h"
#include "secure_record.h"
#include "session/byte_stream.h"
#include "secure/secure_stream.h"

namespace secure {

// A ByteStream carried as transport records (secure_record.h) over an inner
// ByteStream, after a finished Noise handshake. Error semantics are those
// documented on SecureStream.
//
// Threading: the reader thread alone touches the receiving half and the
// input buffer, the writer thread alone the sending half and the output
// buffer; they share only the sticky error (under mu_) and closed_. The
// reader never writes to the inner stream, so back-pressure in one direction
// can never block the other (full-duplex bulk does not deadlock).
class NoiseStream final : public session::ByteStream {
public:
    NoiseStream(std::unique_ptr<session::ByteStream> inner, e2e::NoiseTransport transport, std::uint64_t rekey_interval);

    std::size_t read(void* buf, std::size_t len) override;
    void write(const void* buf, std::size_t len) override;
    void shutdown_write() override;
    void close() override;

    // Noise's channel binding (spec 11.2): equal on both ends of one
    // handshake, different on the two halves of a man in the middle.
    const e2e::Hash& handshake_hash() const { return handshake_hash_; }

private:
    bool next_record();
    bool fill();
    void send();
    [[noreturn]] void fail(std::string message);
    void throw_if_failed() const;

    std::unique_ptr<session::ByteStream> inner_;
    e2e::Hash handshake_hash_;

    mutable std::mutex mu_;
    std::string error_;  // first fatal error (under mu_); every later call rethrows it
    std::atomic<bool> failed_{false};  // error_ is set: the hot path checks this, not the lock
    std::atomic<bool> closed_{false};

    // Reader thread.
    RecordOpener opener_;
    std::vector<std::uint8_t> in_;  // ciphertext [in_pos_, in_end_), decrypted in place
    std::size_t in_pos_ = 0, in_end_ = 0;
    std::size_t plain_pos_ = 0, plain_end_ = 0;  // plaintext of the current record, inside in_
    bool peer_finished_ = false;                 // the peer's close record arrived

    // Writer thread.
    RecordSealer sealer_;
    std::vector<std::uint8_t> out_;  // records of one batch
    bool write_shut_ = false;
};

// Runs the Noise NN handshake for `role` over `inner`, blocking (client =
// initiator, desk = responder). Throws StreamError with a sentence a person
// can act on: the peer left, is no Tether endpoint, speaks another version
// of the end-to-end protocol (named), or the bytes were altered.
// `rekey_interval` is kRekeyInterval except in tests.
std::unique_ptr<NoiseStream> noise_handshake(std::unique_ptr<session::ByteStream> inner, SecureRole role,
                                             std::uint64_t rekey_interval = kRekeyInterval);

}  // namespace secure
