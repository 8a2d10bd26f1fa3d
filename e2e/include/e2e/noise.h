// The Noise Protocol Framework (revision 34, noiseprotocol.org/noise.html),
// exactly the one protocol Tether speaks: Noise_NN_25519_AESGCM_SHA256.
//
//   NN:
//     -> e
//     <- e, ee
//
// Two ephemeral X25519 keys, no static keys: nobody's identity is proven by
// the handshake itself. Tether authenticates the session afterwards with
// the short authentication string, bound to handshake_hash() (the spec's
// channel binding, section 11.2); see docs/SECURITY.md.
//
// The objects here are the spec's CipherState, SymmetricState and
// HandshakeState, with its function names, so a reader can hold this code
// against the spec line by line. They do no I/O and are not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "e2e/crypto.h"

namespace e2e {

inline constexpr char kNoiseProtocolName[] = "Noise_NN_25519_AESGCM_SHA256";
// Largest Noise message (spec section 3), handshake or transport, in bytes.
inline constexpr std::size_t kNoiseMaxMessage = 65535;

// The peer's message is not what the protocol allows: wrong length, failed
// authentication, an invalid key. The session cannot continue.
class NoiseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Spec section 5.1: a key and a 64-bit message counter (the nonce). The
// AES-GCM nonce is 4 zero bytes then the counter, big-endian (section 12.3).
class CipherState {
public:
    CipherState();
    ~CipherState();
    CipherState(CipherState&&) noexcept;
    CipherState& operator=(CipherState&&) noexcept;

    void initialize_key(const Key& k);
    bool has_key() const { return has_key_; }
    // Messages this key (and its rekeyed successors) sealed or opened.
    std::uint64_t nonce() const { return n_; }

    // EncryptWithAd in place: data[0, len) becomes ciphertext and the tag
    // goes to tag[0, kTagBytes). Throws CryptoError once the nonce would reach
    // 2^64-1 (reserved by the spec); callers stop far earlier.
    void seal(View ad, std::uint8_t* data, std::size_t len, std::uint8_t* tag);
    // DecryptWithAd in place. False if authentication failed: data is then
    // garbage and the nonce did not advance.
    bool open(View ad, std::uint8_t* data, std::size_t len, const std::uint8_t* tag);

    // The spec's EncryptWithAd/DecryptWithAd on whole messages (ciphertext
    // followed by the tag); without a key they pass plaintext through.
    Bytes encrypt_with_ad(View ad, View plaintext);
    Bytes decrypt_with_ad(View ad, View ciphertext);  // throws NoiseError

    // Section 11.3 Rekey(): k = first 32 bytes of ENCRYPT(k, 2^64-1, "", 32 zeros).
    // The nonce is not reset. Both ends must rekey at the same message.
    void rekey();

private:
    std::unique_ptr<AesGcm> aead_;
    bool has_key_ = false;
    std::uint64_t n_ = 0;
};

// Spec section 5.2: the chaining key ck and the handshake hash h.
class SymmetricState {
public:
    explicit SymmetricState(const std::string& protocol_name);
    ~SymmetricState();

    void mix_key(View input_key_material);
    void mix_hash(View data);
    Bytes encrypt_and_hash(View plaintext);
    Bytes decrypt_and_hash(View ciphertext);  // throws NoiseError
    // Section 5.2 Split(): the transport keys, initiator->responder first.
    std::pair<CipherState, CipherState> split();
    const Hash& handshake_hash() const { return h_; }

private:
    Hash ck_{};
    Hash h_{};
    CipherState cipher_;
};

enum class NoiseRole { initiator, responder };

// What a finished handshake leaves: one CipherState per direction and the
// handshake hash, which differs on the two halves of a man in the middle.
struct NoiseTransport {
    CipherState send;
    CipherState receive;
    Hash handshake_hash{};
};

// Spec section 5.3, HandshakeState for the NN pattern only. The initiator
// writes message 1 and reads message 2; the responder the reverse.
class HandshakeNN {
public:
    HandshakeNN(NoiseRole role, View prologue);
    ~HandshakeNN();  // wipes the ephemeral private key

    // For published test vectors only: use `private_key` as our ephemeral
    // key instead of a fresh random one. Call before write_message().
    void use_fixed_ephemeral(const Key& private_key);

    // The next message of the pattern with `payload` (message 1's payload
    // travels in clear; message 2's is encrypted). Throws std::logic_error
    // if it is not our turn.
    Bytes write_message(View payload);
    // Processes the peer's next message and returns its payload; throws
    // NoiseError if it is malformed or fails authentication.
    Bytes read_message(View message);

    bool finished() const { return step_ == 2; }
    // After finished(): the transport state (call once).
    NoiseTransport split();

private:
    bool our_turn() const;
    void write_e(Bytes& out);
    void read_e(View message, std::size_t& pos);
    void mix_ee();

    NoiseRole role_;
    int step_ = 0;  // messages processed so far (0, 1 or 2)
    SymmetricState symmetric_;
    Key e_private_{};
    Key e_public_{};
    Key re_{};
    bool fixed_ephemeral_ = false;
};

}  // namespace e2e
