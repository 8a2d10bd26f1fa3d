// IP literal helpers shared by no_proxy matching and the detector (internal).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace proxydetect::ip {

struct Address {
    int family = 0;  // AF_INET or AF_INET6
    std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
    int bits() const { return family == 4 ? 32 : 128; }
};

// Parses a numeric IPv4 or IPv6 address (IPv6 without brackets or zone).
// family is 4 or 6 (not the AF_ constants, to keep this header light).
std::optional<Address> parse(const std::string& text);

// The system's inet_pton for family 4 or 6 into `out` (4 or 16 bytes):
// ip_posix.cpp, platform/windows/ip_windows.cpp.
bool pton(int family, const char* text, void* out);

// True when the first `prefix_bits` bits of a and net are equal and both
// have the same family. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is
// compared as IPv4.
bool in_prefix(const Address& a, const Address& net, int prefix_bits);

}  // namespace proxydetect::ip
