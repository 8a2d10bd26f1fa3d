// ascii_host with libidn2 (see url.h).
#include <idn2.h>

#include <algorithm>

#include "proxydetect/url.h"

namespace proxydetect {

std::optional<std::string> ascii_host(const std::string& host) {
    if (std::all_of(host.begin(), host.end(), [](unsigned char c) { return c < 0x80; })) return host;
    char* out = nullptr;
    // Non-transitional UTS #46 processing, as browsers do ("ß" stays "ß").
    if (idn2_to_ascii_8z(host.c_str(), &out, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK) return std::nullopt;
    std::string ascii(out);
    idn2_free(out);
    return ascii;
}

}  // namespace proxydetect
