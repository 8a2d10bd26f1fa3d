// Internal to secure/: the wire format of the end-to-end channel, version 2
// (docs/SECURITY.md, "Wire format"). Every byte travels in a record:
//
//   record            = length:u16 (big endian)  body[length]
//   handshake body    = version:u8  noise_message          (first record each way)
//   refusal body      = version:u8                          (a peer of another version)
//   transport body    = AES-256-GCM(plaintext || type:u8)  tag[16]
//
// The version byte comes first so that a later protocol can be told apart
// and named in the error (version 1 was TLS 1.3, which sent 0x16 0x03 first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "e2e/noise.h"

namespace secure {

inline constexpr std::uint8_t kE2eVersion = 2;
inline constexpr std::size_t kRecordHeaderBytes = 2;
// A handshake body is the version and a Noise NN message: 32 bytes of key
// plus at most a 16-byte tag (our payloads are empty). 256 leaves room for a
// later version to say more, and a stranger's first bytes ("HTTP/1.1 ...",
// read as a length of 18516) are refused at once instead of awaited.
inline constexpr std::size_t kMaxHandshakeBody = 256;
// Plaintext per transport record, bytes: bounds the reader's buffer, and is
// TLS's record size (the cost per record is then negligible next to AES).
inline constexpr std::size_t kMaxRecordPlaintext = 16 * 1024;
inline constexpr std::size_t kRecordOverhead = 1 + e2e::kTagBytes;  // type byte + tag
// Each direction rekeys (Noise Rekey()) after this many records, both ends
// counting alike: at most 1 GiB under one AES-GCM key, far inside TLS 1.3's
// limit for AES-GCM (RFC 8446 5.5: 2^24.5 full-size records per key keep
// the attacker's advantage near 2^-57).
inline constexpr std::uint64_t kRekeyInterval = 1u << 16;
// Hard stop per direction, records: the 64-bit Noise nonce never nears its
// reserved value 2^64-1 (at 1 us per record, 2^48 records take 9 years).
inline constexpr std::uint64_t kMaxRecords = 1ull << 48;

// What a transport record carries; encrypted with it, so an observer cannot
// tell a clean end from data.
enum class RecordType : std::uint8_t {
    data = 0x00,
    close = 0x01,  // the sender's shutdown_write(): no more data follows
};

// One direction's sending half: encrypts records with the Noise nonce rules
// and rekeys every `rekey_interval` records. Writer thread only.
class RecordSealer {
public:
    RecordSealer(e2e::CipherState cs, std::uint64_t rekey_interval);
    // Appends one whole record (header included) carrying data[0, len),
    // len <= kMaxRecordPlaintext, to `out`. Throws StreamError past kMaxRecords.
    void seal(std::vector<std::uint8_t>& out, RecordType type, const void* data, std::size_t len);

private:
    e2e::CipherState cs_;
    std::uint64_t rekey_interval_;
};

// One direction's receiving half. Reader thread only.
class RecordOpener {
public:
    RecordOpener(e2e::CipherState cs, std::uint64_t rekey_interval);
    // Decrypts the transport body[0, len) in place. On success, the
    // plaintext is body[0, *plain_len) and *type its type byte. False if the
    // record failed authentication (altered, reordered, replayed, or cut).
    bool open(std::uint8_t* body, std::size_t len, std::uint8_t* type, std::size_t* plain_len);

private:
    e2e::CipherState cs_;
    std::uint64_t rekey_interval_;
};

}  // namespace secure
