// Per-request authentication for plain HTTP (see request_auth.h).
#include "e2e/request_auth.h"

#include <atomic>
#include <cstring>

namespace e2e {
namespace {

const char kHex[] = "0123456789abcdef";

View text(const std::string& s) { return View(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string body_hash_hex(const std::string& body) { return to_hex(sha256({text(body)})); }

// The value after `name=` in a space-separated "v1 a=x b=y" header.
std::optional<std::string> field(const std::string& header, const std::string& name) {
    const std::string key = " " + name + "=";
    auto at = header.find(key);
    if (at == std::string::npos) return std::nullopt;
    at += key.size();
    return header.substr(at, header.find(' ', at) - at);
}

bool is_mac_hex(const std::string& s) {
    if (s.size() != 2 * kHashBytes) return false;
    for (char c : s)
        if (hex_digit(c) < 0) return false;
    return true;
}

}  // namespace

std::string to_hex(View bytes) {
    std::string out;
    out.reserve(bytes.size * 2);
    for (std::size_t i = 0; i < bytes.size; ++i) {
        out += kHex[bytes.data[i] >> 4];
        out += kHex[bytes.data[i] & 15];
    }
    return out;
}

SideCredential parse_side_credential(const std::string& credential) {
    const auto tilde = credential.find('~');
    if (tilde == std::string::npos) return {credential, std::nullopt};
    return {credential.substr(0, tilde), key_from_hex(credential.substr(tilde + 1))};
}

std::string keyed_credential(const std::string& token, const Key& key) { return token + "~" + to_hex(key); }

std::optional<SideKey> new_side_key(const std::string& relay_key_hex) {
    auto relay = key_from_hex(relay_key_hex);
    if (!relay) return std::nullopt;
    EndpointKeyAgreement agreement;
    return SideKey{to_hex(agreement.public_key), agreement.request_key(*relay)};
}

std::uint64_t next_request_seq() {
    static std::atomic<std::uint64_t> last{0};
    return ++last;
}

std::optional<Key> key_from_hex(const std::string& hex) {
    if (hex.size() != 2 * kKeyBytes) return std::nullopt;
    Key k{};
    for (std::size_t i = 0; i < kKeyBytes; ++i) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        k[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return k;
}

EndpointKeyAgreement::EndpointKeyAgreement() {
    random_bytes(secret.data(), secret.size());
    public_key = x25519_public(secret);
}

namespace {
Key derive(const Key& shared, const Key& endpoint_public, const Key& relay_public) {
    static const std::string salt = "tether-request-v1";
    Bytes info(endpoint_public.begin(), endpoint_public.end());
    info.insert(info.end(), relay_public.begin(), relay_public.end());
    Bytes okm = hkdf_sha256(text(salt), shared, info, kKeyBytes);
    Key k{};
    std::memcpy(k.data(), okm.data(), kKeyBytes);
    wipe(okm);
    return k;
}
}  // namespace

Key EndpointKeyAgreement::request_key(const Key& relay_public) const {
    Key shared = x25519(secret, relay_public);
    Key k = derive(shared, public_key, relay_public);
    wipe(shared);
    return k;
}

Key relay_request_key(const Key& relay_secret, const Key& relay_public, const Key& endpoint_public) {
    Key shared = x25519(relay_secret, endpoint_public);
    Key k = derive(shared, endpoint_public, relay_public);
    wipe(shared);
    return k;
}

std::string request_mac(const Key& k, const std::string& method, const std::string& target, const std::string& token,
                        std::uint64_t seq, const std::string& body) {
    const std::string msg = "tether-request-v1\n" + method + "\n" + target + "\n" + token + "\n" +
                            std::to_string(seq) + "\n" + body_hash_hex(body);
    return to_hex(hmac_sha256(k, {text(msg)}));
}

std::string response_mac(const Key& k, std::uint64_t seq, int status, const std::string& body) {
    const std::string msg =
        "tether-response-v1\n" + std::to_string(seq) + "\n" + std::to_string(status) + "\n" + body_hash_hex(body);
    return to_hex(hmac_sha256(k, {text(msg)}));
}

std::string format_request_auth(const RequestAuth& a) {
    return "v1 token=" + a.token + " seq=" + std::to_string(a.seq) + " mac=" + a.mac;
}

std::optional<RequestAuth> parse_request_auth(const std::string& header) {
    if (header.rfind("v1 ", 0) != 0) return std::nullopt;
    auto token = field(header, "token");
    auto seq = field(header, "seq");
    auto mac = field(header, "mac");
    if (!token || token->empty() || token->size() > 128 || !seq || !mac || seq->empty() || seq->size() > 19 || !is_mac_hex(*mac)) return std::nullopt;
    for (char c : *seq)
        if (c < '0' || c > '9') return std::nullopt;
    return RequestAuth{*token, std::stoull(*seq), *mac};
}

std::string format_response_auth(const std::string& mac) { return "v1 mac=" + mac; }

std::optional<std::string> parse_response_auth(const std::string& header) {
    if (header.rfind("v1 ", 0) != 0) return std::nullopt;
    auto mac = field(header, "mac");
    if (!mac || !is_mac_hex(*mac)) return std::nullopt;
    return *mac;
}

bool mac_equal(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    return equal_ct(reinterpret_cast<const std::uint8_t*>(a.data()), reinterpret_cast<const std::uint8_t*>(b.data()),
                    a.size());
}

bool ReplayWindow::accept(std::uint64_t n) {
    if (n == 0) return false;
    auto bit = [](std::uint64_t v) { return std::make_pair((v % kWindow) / 64, std::uint64_t{1} << (v % 64)); };
    if (n > highest_) {
        // Slide: clear the slots of the numbers between the old and new highest.
        const std::uint64_t steps = n - highest_;
        if (steps >= kWindow) {
            std::memset(seen_, 0, sizeof seen_);
        } else {
            for (std::uint64_t v = highest_ + 1; v <= n; ++v) {
                auto [w, m] = bit(v);
                seen_[w] &= ~m;
            }
        }
        highest_ = n;
    } else if (highest_ - n >= kWindow) {
        return false;  // too old to tell from a replay
    }
    auto [w, m] = bit(n);
    if (seen_[w] & m) return false;
    seen_[w] |= m;
    return true;
}

}  // namespace e2e
