// The SAS exchange. Why not just digits of the handshake hash: a man in the
// middle runs two Noise sessions and, as the responder facing the client,
// picks its ephemeral key after it has seen the client's and after its
// session with the desk is done. It can then try a million keys offline
// until the client-side hash gives the desk-side digits (about 2^20 tries,
// seconds of CPU). A commit-then-reveal exchange of nonces inside each
// session (as in ZRTP, RFC 6189 4.4.1.1) removes that freedom: in each
// session the honest side's random nonce is revealed only after the man in
// the middle's contribution is fixed, so the two strings agree by chance
// only (1 in 10^6). See docs/SECURITY.md.
//
//   client -> desk   commit = SHA-256("tether-sas-commit-v2" || Nc)
//   desk   -> client Nd
//   client -> desk   Nc          (desk checks it against commit)
//   SAS = SHA-256("tether-sas-v2" || h || Nc || Nd), first 8 bytes as a
//         big-endian integer mod 10^6, printed "123 456"; h is the Noise
//         handshake hash (the spec's channel binding, section 11.2).
#include "secure_sas.h"

#include <cstdio>
#include <cstring>

#include "session/byte_stream.h"
#include "wire/big_endian.h"

namespace secure {
namespace {

constexpr char kCommitLabel[] = "tether-sas-commit-v2";
constexpr char kSasLabel[] = "tether-sas-v2";
constexpr unsigned long long kSasModulus = 1000000;  // six digits

e2e::View label(const char* s, std::size_t size_with_nul) {
    return e2e::View(reinterpret_cast<const std::uint8_t*>(s), size_with_nul - 1);
}

SasNonce random_nonce() {
    SasNonce n{};
    e2e::random_bytes(n.data(), n.size());
    return n;
}

void send_message(session::ByteStream& s, SasMessage type, const SasNonce& payload) {
    unsigned char msg[kSasMessageBytes];
    msg[0] = static_cast<unsigned char>(type);
    std::memcpy(msg + 1, payload.data(), payload.size());
    s.write(msg, sizeof msg);
}

SasNonce receive_message(session::ByteStream& s, SasMessage expected) {
    unsigned char msg[kSasMessageBytes];
    if (!session::read_exact(s, msg, sizeof msg))
        throw session::StreamError("the peer ended the session before the authentication string was agreed");
    if (msg[0] != static_cast<unsigned char>(expected))
        throw session::StreamError("the peer speaks another version of the Tether end-to-end protocol "
                          "(unexpected authentication message); update both programs");
    SasNonce payload{};
    std::memcpy(payload.data(), msg + 1, payload.size());
    return payload;
}

std::string run_client(NoiseStream& s) {
    SasNonce mine = random_nonce();
    send_message(s, SasMessage::commit, sas_commitment(mine));
    SasNonce theirs = receive_message(s, SasMessage::nonce);
    send_message(s, SasMessage::reveal, mine);
    return sas_digits(s.handshake_hash(), mine, theirs);
}

std::string run_desk(NoiseStream& s) {
    SasNonce commit = receive_message(s, SasMessage::commit);
    SasNonce mine = random_nonce();
    send_message(s, SasMessage::nonce, mine);
    SasNonce theirs = receive_message(s, SasMessage::reveal);
    SasNonce expect = sas_commitment(theirs);
    if (!e2e::equal_ct(expect.data(), commit.data(), commit.size()))
        throw session::StreamError("the peer's authentication data does not match its commitment: "
                          "someone may be tampering with this session; do not continue");
    return sas_digits(s.handshake_hash(), theirs, mine);
}

}  // namespace

SasNonce sas_commitment(const SasNonce& nonce) {
    return e2e::sha256({label(kCommitLabel, sizeof kCommitLabel), nonce});
}

std::string sas_digits(const e2e::Hash& binding, const SasNonce& client_nonce, const SasNonce& desk_nonce) {
    e2e::Hash digest = e2e::sha256({label(kSasLabel, sizeof kSasLabel), binding, client_nonce, desk_nonce});
    // 2^64 mod 10^6 bias: under 10^-13 per value, irrelevant.
    auto six = static_cast<unsigned>(wire::get_be(digest.data(), 8) % kSasModulus);
    char text[8];
    std::snprintf(text, sizeof text, "%03u %03u", six / 1000, six % 1000);
    return text;
}

std::string exchange_sas(NoiseStream& channel, SecureRole role) {
    return role == SecureRole::desk ? run_desk(channel) : run_client(channel);
}

}  // namespace secure
