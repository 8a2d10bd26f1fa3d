// The SAS exchange. Why not just digits of the TLS exporter: a man in the
// middle runs two TLS sessions and, as the server facing the client, picks
// its key share and certificate after it has seen the client's ClientHello
// and after its session with the desk is done. It can then try a million
// variants offline until the client-side exporter gives the desk-side
// digits (about 2^20 tries, seconds of CPU). A commit-then-reveal exchange
// of nonces inside each TLS session (as in ZRTP, RFC 6189 4.4.1.1) removes
// that freedom: in each session the honest side's random nonce is revealed
// only after the man in the middle's contribution is fixed, so the two
// strings agree by chance only (1 in 10^6). See docs/SECURITY.md.
//
//   client -> desk   commit = SHA-256("tether-sas-commit-v1" || Nc)
//   desk   -> client Nd
//   client -> desk   Nc          (desk checks it against commit)
//   SAS = SHA-256("tether-sas-v1" || exporter || Nc || Nd), first 8 bytes
//         as a big-endian integer mod 10^6, printed "123 456".
#include "secure_sas.h"

#include <cstdio>
#include <cstring>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "session/byte_stream.h"

namespace baseline_tls {
using namespace session;  // the old tunnel/ code, moved here as it was (ByteStream is session::)
using secure::SecureRole;
namespace {

constexpr char kExporterLabel[] = "EXPORTER-tether-sas-v1";
constexpr std::size_t kExporterBytes = 32;
constexpr char kCommitLabel[] = "tether-sas-commit-v1";
constexpr char kSasLabel[] = "tether-sas-v1";
constexpr unsigned long long kSasModulus = 1000000;  // six digits

using Bytes = std::vector<unsigned char>;

SasNonce sha256(const Bytes& data) {
    SasNonce out{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1)
        throw session::StreamError("cannot compute the authentication string (SHA-256 failed)");
    return out;
}

void append(Bytes& out, const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    out.insert(out.end(), b, b + n);
}

SasNonce random_nonce() {
    SasNonce n{};
    if (RAND_bytes(n.data(), static_cast<int>(n.size())) != 1)
        throw session::StreamError("cannot set up end-to-end encryption: no randomness available");
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

std::string run_client(TlsStream& tls, const Bytes& exporter) {
    SasNonce mine = random_nonce();
    send_message(tls, SasMessage::commit, sas_commitment(mine));
    SasNonce theirs = receive_message(tls, SasMessage::nonce);
    send_message(tls, SasMessage::reveal, mine);
    return sas_digits(exporter, mine, theirs);
}

std::string run_desk(TlsStream& tls, const Bytes& exporter) {
    SasNonce commit = receive_message(tls, SasMessage::commit);
    SasNonce mine = random_nonce();
    send_message(tls, SasMessage::nonce, mine);
    SasNonce theirs = receive_message(tls, SasMessage::reveal);
    SasNonce expect = sas_commitment(theirs);
    if (CRYPTO_memcmp(expect.data(), commit.data(), commit.size()) != 0)
        throw session::StreamError("the peer's authentication data does not match its commitment: "
                          "someone may be tampering with this session; do not continue");
    return sas_digits(exporter, theirs, mine);
}

}  // namespace

SasNonce sas_commitment(const SasNonce& nonce) {
    Bytes in;
    append(in, kCommitLabel, sizeof kCommitLabel - 1);
    append(in, nonce.data(), nonce.size());
    return sha256(in);
}

std::string sas_digits(const Bytes& exporter, const SasNonce& client_nonce,
                       const SasNonce& desk_nonce) {
    Bytes in;
    append(in, kSasLabel, sizeof kSasLabel - 1);
    append(in, exporter.data(), exporter.size());
    append(in, client_nonce.data(), client_nonce.size());
    append(in, desk_nonce.data(), desk_nonce.size());
    SasNonce digest = sha256(in);
    unsigned long long v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | digest[i];
    // 2^64 mod 10^6 bias: under 10^-13 per value, irrelevant.
    auto six = static_cast<unsigned>(v % kSasModulus);
    char text[8];
    std::snprintf(text, sizeof text, "%03u %03u", six / 1000, six % 1000);
    return text;
}

Bytes sas_exporter(const TlsStream& tls) {
    return tls.export_secret(kExporterLabel, kExporterBytes);
}

std::string exchange_sas(TlsStream& tls, SecureRole role) {
    Bytes exporter = sas_exporter(tls);
    return role == SecureRole::desk ? run_desk(tls, exporter) : run_client(tls, exporter);
}

}  // namespace baseline_tls
