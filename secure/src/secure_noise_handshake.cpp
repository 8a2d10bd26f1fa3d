// The Noise NN handshake over a ByteStream, in two records (secure_record.h):
//   client (initiator) -> desk   version  e
//   desk (responder)   -> client version  e, ee  (an empty payload, encrypted: 16-byte tag)
// A desk that receives another version answers with a refusal (its own
// version byte alone), so both people learn which side is outdated.
#include <cstring>

#include "secure_noise.h"
#include "wire/big_endian.h"

namespace secure {
namespace {

// Noise prologue: both sides hash it into the handshake, so a version byte
// altered in transit (a downgrade) makes the handshake fail.
const char kPrologueLabel[] = "tether-e2e";
// What version 1 (TLS 1.3) sent first: a TLS record, type handshake (0x16,
// a desk's ClientHello) or alert (0x15, a client refusing our message 1),
// then the major version 0x03.
constexpr std::uint8_t kTlsAlert = 0x15;
constexpr std::uint8_t kTlsHandshake = 0x16;
constexpr std::uint8_t kTlsMajorVersion = 0x03;

bool looks_like_tls(const std::uint8_t* header) {
    return (header[0] == kTlsHandshake || header[0] == kTlsAlert) && header[1] == kTlsMajorVersion;
}

const char kHandshakeEof[] =
    "the connection ended during the end-to-end encryption handshake: the peer left, or it is not "
    "a Tether endpoint with end-to-end encryption";

e2e::Bytes prologue() {
    e2e::Bytes p(kPrologueLabel, kPrologueLabel + sizeof kPrologueLabel - 1);
    p.push_back(kE2eVersion);
    return p;
}

session::StreamError handshake_failed(const std::string& reason) {
    return session::StreamError("the end-to-end encryption handshake failed (" + reason +
                       "): the peer is not a compatible Tether endpoint, or the relay, a proxy or the "
                       "network altered the data");
}

session::StreamError version_mismatch(unsigned peer_version) {
    return session::StreamError("the peer speaks version " + std::to_string(peer_version) +
                       " of the Tether end-to-end protocol and this program speaks version " +
                       std::to_string(kE2eVersion) + " (" + e2e::kNoiseProtocolName +
                       "): they cannot talk; update both programs to the same Tether release");
}

void send_record(session::ByteStream& s, const e2e::Bytes& body) {
    std::uint8_t header[kRecordHeaderBytes];
    wire::put_be(header, body.size(), kRecordHeaderBytes);
    e2e::Bytes record(header, header + kRecordHeaderBytes);
    record.insert(record.end(), body.begin(), body.end());
    s.write(record.data(), record.size());
}

void send_handshake(session::ByteStream& s, const e2e::Bytes& noise_message) {
    e2e::Bytes body{kE2eVersion};
    body.insert(body.end(), noise_message.begin(), noise_message.end());
    send_record(s, body);
}

// Best effort: the peer may already be gone.
void send_refusal(session::ByteStream& s) {
    try {
        send_record(s, e2e::Bytes{kE2eVersion});
        s.shutdown_write();
    } catch (const session::StreamError&) {
    }
}

// The peer's handshake record, version checked; returns the Noise message.
// `refuse_other_versions`: answer a peer of another version with a refusal.
e2e::Bytes receive_handshake(session::ByteStream& s, bool refuse_other_versions) {
    std::uint8_t header[kRecordHeaderBytes];
    if (!session::read_exact(s, header, sizeof header)) throw session::StreamError(kHandshakeEof);
    if (looks_like_tls(header)) throw version_mismatch(1);
    const auto len = static_cast<std::size_t>(wire::get_be(header, kRecordHeaderBytes));
    if (len == 0 || len > kMaxHandshakeBody)
        throw handshake_failed("its first message is not a Tether end-to-end greeting");
    e2e::Bytes body(len);
    bool complete = false;
    try {
        complete = session::read_exact(s, body.data(), len);
    } catch (const session::StreamError&) {  // ended inside the body
    }
    if (!complete) throw session::StreamError(kHandshakeEof);
    if (body[0] != kE2eVersion) {
        if (refuse_other_versions) send_refusal(s);
        throw version_mismatch(body[0]);
    }
    if (len == 1) throw handshake_failed("the peer refused the handshake");
    return e2e::Bytes(body.begin() + 1, body.end());
}

e2e::NoiseTransport run_initiator(session::ByteStream& s) {
    e2e::HandshakeNN hs(e2e::NoiseRole::initiator, prologue());
    send_handshake(s, hs.write_message(e2e::View()));
    hs.read_message(receive_handshake(s, false));
    return hs.split();
}

e2e::NoiseTransport run_responder(session::ByteStream& s) {
    e2e::HandshakeNN hs(e2e::NoiseRole::responder, prologue());
    hs.read_message(receive_handshake(s, true));
    send_handshake(s, hs.write_message(e2e::View()));
    return hs.split();
}

}  // namespace

std::unique_ptr<NoiseStream> noise_handshake(std::unique_ptr<session::ByteStream> inner, SecureRole role,
                                             std::uint64_t rekey_interval) {
    e2e::NoiseTransport transport;
    try {
        transport = role == SecureRole::client ? run_initiator(*inner) : run_responder(*inner);
    } catch (const e2e::NoiseError& e) {
        inner->close();
        throw handshake_failed(e.what());
    } catch (const e2e::CryptoError& e) {
        inner->close();
        throw session::StreamError(std::string("cannot set up end-to-end encryption (") + e.what() + ")");
    }
    return std::make_unique<NoiseStream>(std::move(inner), std::move(transport), rekey_interval);
}

}  // namespace secure
