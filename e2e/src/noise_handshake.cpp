// HandshakeState for Noise_NN (spec sections 5.3 and 7.4):
//   -> e          initiator: message 1
//   <- e, ee      responder: message 2
#include <algorithm>
#include <stdexcept>

#include "e2e/noise.h"

namespace e2e {

HandshakeNN::HandshakeNN(NoiseRole role, View prologue) : role_(role), symmetric_(kNoiseProtocolName) {
    symmetric_.mix_hash(prologue);  // NN has no pre-message keys to hash
}

HandshakeNN::~HandshakeNN() { wipe(e_private_); }

void HandshakeNN::use_fixed_ephemeral(const Key& private_key) {
    e_private_ = private_key;
    fixed_ephemeral_ = true;
}

// Message 1 is the initiator's, message 2 the responder's.
bool HandshakeNN::our_turn() const {
    if (finished()) return false;
    return (step_ == 0) == (role_ == NoiseRole::initiator);
}

// Token "e" when writing: a fresh key pair, its public half in clear.
void HandshakeNN::write_e(Bytes& out) {
    if (!fixed_ephemeral_) random_bytes(e_private_.data(), e_private_.size());
    e_public_ = x25519_public(e_private_);
    out.insert(out.end(), e_public_.begin(), e_public_.end());
    symmetric_.mix_hash(e_public_);
}

// Token "e" when reading: the peer's ephemeral public key.
void HandshakeNN::read_e(View message, std::size_t& pos) {
    if (message.size < pos + kKeyBytes) throw NoiseError("handshake message too short for a key");
    std::copy(message.data + pos, message.data + pos + kKeyBytes, re_.begin());
    pos += kKeyBytes;
    symmetric_.mix_hash(re_);
}

// Token "ee": the one Diffie-Hellman of NN.
void HandshakeNN::mix_ee() {
    Key shared;
    try {
        shared = x25519(e_private_, re_);
    } catch (const CryptoError&) {
        throw NoiseError("the peer's key is not a valid X25519 public key");
    }
    symmetric_.mix_key(shared);
    wipe(shared);
}

Bytes HandshakeNN::write_message(View payload) {
    if (!our_turn()) throw std::logic_error("Noise NN: not our turn to write");
    Bytes out;
    write_e(out);
    if (step_ == 1) mix_ee();
    Bytes body = symmetric_.encrypt_and_hash(payload);
    out.insert(out.end(), body.begin(), body.end());
    if (out.size() > kNoiseMaxMessage) throw std::logic_error("Noise message over 65535 bytes");
    ++step_;
    return out;
}

Bytes HandshakeNN::read_message(View message) {
    if (finished() || our_turn()) throw std::logic_error("Noise NN: not our turn to read");
    if (message.size > kNoiseMaxMessage) throw NoiseError("handshake message over 65535 bytes");
    std::size_t pos = 0;
    read_e(message, pos);
    if (step_ == 1) mix_ee();
    Bytes payload = symmetric_.decrypt_and_hash(View(message.data + pos, message.size - pos));
    ++step_;
    return payload;
}

NoiseTransport HandshakeNN::split() {
    if (!finished()) throw std::logic_error("Noise NN: split before the handshake finished");
    auto [initiator_to_responder, responder_to_initiator] = symmetric_.split();
    NoiseTransport t;
    t.handshake_hash = symmetric_.handshake_hash();
    if (role_ == NoiseRole::initiator) {
        t.send = std::move(initiator_to_responder);
        t.receive = std::move(responder_to_initiator);
    } else {
        t.send = std::move(responder_to_initiator);
        t.receive = std::move(initiator_to_responder);
    }
    wipe(e_private_);
    return t;
}

}  // namespace e2e
