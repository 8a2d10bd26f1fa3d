// Known-answer tests of the end-to-end channel's cryptography (e2e/) against
// published vectors, copied as data. A wrong byte order, a missing clamp, a
// nonce encoded the wrong way or a mixed-up HKDF output fails here, before
// any two Tether programs could agree with each other on a wrong answer.
//   - X25519: RFC 7748 sections 5.2 (scalar multiplication, and 1 iteration
//     of the iterated test) and 6.1 (Alice and Bob's Diffie-Hellman).
//   - HKDF-SHA-256: RFC 5869 appendix A.1 and A.3 (A.3: empty salt and info).
//   - AES-256-GCM: the GCM specification (McGrew and Viega; NIST SP 800-38D
//     test data) test cases 14 and 16 (16: partial block and 20-byte AAD).
//   - Noise_NN_25519_AESGCM_SHA256: the vector of that name in cacophony's
//     vectors/cacophony.txt (github.com/haskell-cryptography/cacophony, commit
//     8ee9d41), the format snow and other Noise libraries test against: fixed
//     ephemerals and prologue, both handshake messages, four transport
//     messages alternating direction, and the handshake hash.
#include <catch2/catch.hpp>

#include <string>

#include "e2e/crypto.h"
#include "e2e/noise.h"

using namespace e2e;

namespace {

Bytes hex(const std::string& s) {
    Bytes out;
    for (std::size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
    return out;
}

std::string to_hex(View v) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < v.size; ++i) {
        s += digits[v.data[i] >> 4];
        s += digits[v.data[i] & 15];
    }
    return s;
}

Key key(const std::string& s) {
    Bytes b = hex(s);
    REQUIRE(b.size() == kKeyBytes);
    Key k;
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}

}  // namespace

TEST_CASE("X25519 matches RFC 7748") {
    struct Row { const char* where; const char* scalar; const char* u; const char* out; };
    const Row rows[] = {
        {"5.2 vector 1", "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
         "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
         "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
        {"5.2 vector 2", "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
         "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
         "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
        {"5.2 iterated, 1 iteration", "0900000000000000000000000000000000000000000000000000000000000000",
         "0900000000000000000000000000000000000000000000000000000000000000",
         "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"},
    };
    for (const Row& r : rows) {
        INFO(r.where);
        CHECK(to_hex(x25519(key(r.scalar), key(r.u))) == r.out);
    }
}

TEST_CASE("X25519 Diffie-Hellman matches RFC 7748 section 6.1") {
    const Key alice = key("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const Key bob = key("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    const Key alice_pub = x25519_public(alice), bob_pub = x25519_public(bob);
    CHECK(to_hex(alice_pub) == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    CHECK(to_hex(bob_pub) == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const char* shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    CHECK(to_hex(x25519(alice, bob_pub)) == shared);
    CHECK(to_hex(x25519(bob, alice_pub)) == shared);
}

TEST_CASE("X25519 refuses a low-order point (all-zero result)") {
    const Key zero_point{};  // u = 0 has order 4: every scalar maps it to 0
    CHECK_THROWS_AS(x25519(key("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"), zero_point),
                    CryptoError);
}

TEST_CASE("HKDF-SHA-256 matches RFC 5869") {
    struct Row { const char* where; const char* ikm; const char* salt; const char* info; std::size_t len; const char* okm; };
    const Row rows[] = {
        {"A.1", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9", 42,
         "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
        {"A.3 (empty salt and info)", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
         "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
    };
    for (const Row& r : rows) {
        INFO(r.where);
        CHECK(to_hex(hkdf_sha256(hex(r.salt), hex(r.ikm), hex(r.info), r.len)) == r.okm);
    }
    // The extract step alone (PRK), through the HMAC it is made of.
    CHECK(to_hex(hmac_sha256(hex("000102030405060708090a0b0c"), {hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b")})) ==
          "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
}

TEST_CASE("AES-256-GCM matches the GCM specification's test cases") {
    struct Row { const char* where; const char* key; const char* iv; const char* aad; const char* pt; const char* ct; const char* tag; };
    const Row rows[] = {
        {"test case 14", "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "",
         "00000000000000000000000000000000", "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
        {"test case 16", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
         "feedfacedeadbeeffeedfacedeadbeefabaddad2",
         "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
         "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
         "76fc6ece0f4e1768cddf8853bb2d551b"},
    };
    for (const Row& r : rows) {
        INFO(r.where);
        AesGcm gcm;
        gcm.set_key(key(r.key));
        Bytes iv = hex(r.iv), aad = hex(r.aad), data = hex(r.pt);
        std::uint8_t tag[kTagBytes];
        gcm.seal(iv.data(), aad, data.data(), data.size(), tag);
        CHECK(to_hex(data) == r.ct);
        CHECK(to_hex(View(tag, kTagBytes)) == r.tag);
        CHECK(gcm.open(iv.data(), aad, data.data(), data.size(), tag));
        CHECK(to_hex(data) == r.pt);
        tag[0] ^= 1;  // and a tag that does not match is refused
        CHECK_FALSE(gcm.open(iv.data(), aad, data.data(), data.size(), tag));
    }
}

TEST_CASE("Noise_NN_25519_AESGCM_SHA256 matches the cacophony test vector") {
    const Bytes prologue = hex("4a6f686e2047616c74");  // "John Galt"
    HandshakeNN initiator(NoiseRole::initiator, prologue), responder(NoiseRole::responder, prologue);
    initiator.use_fixed_ephemeral(key("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a"));
    responder.use_fixed_ephemeral(key("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b"));
    struct Message { const char* payload; const char* ciphertext; };
    const Message messages[] = {
        {"4c756477696720766f6e204d69736573",
         "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"},
        {"4d757272617920526f746862617264",
         "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f144808843934ff73eebb9d930ebf62b8e4db8133ca936872b"
         "5551efd7c9989c646d8cf0"},
        {"462e20412e20486179656b", "8d372b94914e80018211a344b8b1c5a2869492a0db46990c0362f3"},
        {"4361726c204d656e676572", "e183b0abd55550f9955fb05476d988c6f27628d7bbde111c39ccbc"},
        {"4a65616e2d426170746973746520536179", "167293a79ad6a647114c4f4eb55bdf713a0d44ae48765c07fc4e57743100825021"},
        {"457567656e2042f6686d20766f6e2042617765726b",
         "2b67a18ae246069c51687bee89141041d9d35a821f852975d169a4f80f75c735807a1fd157"},
    };
    // Handshake: message 1 from the initiator, message 2 from the responder.
    Bytes m1 = initiator.write_message(hex(messages[0].payload));
    CHECK(to_hex(m1) == messages[0].ciphertext);
    CHECK(to_hex(responder.read_message(m1)) == messages[0].payload);
    Bytes m2 = responder.write_message(hex(messages[1].payload));
    CHECK(to_hex(m2) == messages[1].ciphertext);
    CHECK(to_hex(initiator.read_message(m2)) == messages[1].payload);
    REQUIRE(initiator.finished());
    REQUIRE(responder.finished());
    NoiseTransport i = initiator.split(), r = responder.split();
    const char* handshake_hash = "6301958d25cd7d1ffe6ad7d0ca2ad284b4e478d9acd9198f7750432d225043d0";
    CHECK(to_hex(i.handshake_hash) == handshake_hash);
    CHECK(to_hex(r.handshake_hash) == handshake_hash);
    // Transport: the vector alternates, initiator first; empty associated data.
    for (int k = 2; k < 6; ++k) {
        INFO("transport message " << k);
        NoiseTransport& from = k % 2 == 0 ? i : r;
        NoiseTransport& to = k % 2 == 0 ? r : i;
        Bytes ct = from.send.encrypt_with_ad(View(), hex(messages[k].payload));
        CHECK(to_hex(ct) == messages[k].ciphertext);
        CHECK(to_hex(to.receive.decrypt_with_ad(View(), ct)) == messages[k].payload);
    }
}

TEST_CASE("Noise rekey: both ends derive the same new key, which differs from the old") {
    HandshakeNN a(NoiseRole::initiator, View()), b(NoiseRole::responder, View());
    b.read_message(a.write_message(View()));
    a.read_message(b.write_message(View()));
    NoiseTransport ta = a.split(), tb = b.split();
    const Bytes msg = hex("00112233445566778899");
    Bytes before = ta.send.encrypt_with_ad(View(), msg);
    tb.receive.decrypt_with_ad(View(), before);
    ta.send.rekey();
    Bytes after = ta.send.encrypt_with_ad(View(), msg);
    CHECK_THROWS_AS(tb.receive.decrypt_with_ad(View(), after), NoiseError);  // old key: refused
    tb.receive.rekey();
    CHECK(tb.receive.decrypt_with_ad(View(), after) == msg);
    CHECK(ta.send.nonce() == 2);  // rekeying does not reset the counter (spec 11.3)
}
