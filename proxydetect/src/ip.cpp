#include "ip.h"

#include <cstring>

namespace proxydetect::ip {

std::optional<Address> parse(const std::string& text) {
    Address a;
    if (pton(4, text.c_str(), a.bytes.data())) {
        a.family = 4;
        return a;
    }
    if (pton(6, text.c_str(), a.bytes.data())) {
        a.family = 6;
        return a;
    }
    return std::nullopt;
}

namespace {
// ::ffff:a.b.c.d -> a.b.c.d, so that mapped addresses match IPv4 rules.
Address unmap(const Address& a) {
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (a.family != 6 || std::memcmp(a.bytes.data(), prefix, 12) != 0) return a;
    Address v4;
    v4.family = 4;
    std::memcpy(v4.bytes.data(), a.bytes.data() + 12, 4);
    return v4;
}
}  // namespace

bool in_prefix(const Address& addr, const Address& net, int prefix_bits) {
    Address a = unmap(addr);
    if (a.family != net.family || prefix_bits < 0 || prefix_bits > net.bits()) return false;
    int full = prefix_bits / 8, rest = prefix_bits % 8;
    if (std::memcmp(a.bytes.data(), net.bytes.data(), full) != 0) return false;
    if (rest == 0) return true;
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (a.bytes[full] & mask) == (net.bytes[full] & mask);
}

}  // namespace proxydetect::ip
