// Session codes (docs/PROTOCOL.md section 1): what every party that takes a
// code accepts. The relay hands out kShortCodeDigits digits normally and
// more (its --long-code-digits, 9 by default) while it sees a code-guessing
// attack (docs/SECURITY.md, "Code guessing"); a program that takes a code
// accepts every length in between, so the operator's choice needs no client
// change.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wire {

constexpr std::size_t kShortCodeDigits = 6;
// 9 digits: 10^9 fits a uint32 draw (relay/random_source.cpp).
constexpr std::size_t kMaxCodeDigits = 9;

// kShortCodeDigits to kMaxCodeDigits decimal digits, nothing else.
constexpr bool valid_session_code(std::string_view code) {
    if (code.size() < kShortCodeDigits || code.size() > kMaxCodeDigits) return false;
    for (char c : code)
        if (c < '0' || c > '9') return false;
    return true;
}

// The code as a person reads it out: groups of three from the left
// ("482 913", "482 913 075"), so a 9-digit code stays easy on the phone.
// The customer's code entry ignores the spaces.
inline std::string spoken_session_code(std::string_view code) {
    std::string out;
    for (std::size_t i = 0; i < code.size(); ++i) {
        if (i > 0 && i % 3 == 0) out += ' ';
        out += code[i];
    }
    return out;
}

// What a person typed or pasted into a code entry, digits only: "482 913",
// "482-913" and " 482913\n" are the same code. Both windows keep only these.
inline std::string session_code_digits(std::string_view typed) {
    std::string out;
    for (char c : typed)
        if (c >= '0' && c <= '9') out += c;
    return out;
}

// The link that opens tether-client with a code: the join page's "Open
// Tether" button, registered for x-scheme-handler/tether by the client's
// .desktop file (docs/RELAY.md "Join page").
constexpr std::string_view kJoinLinkPrefix = "tether://join/";

// "tether://join/123456" (scheme in any case, one trailing '/' allowed) ->
// "123456"; "" for anything else, including a link without a valid code.
inline std::string code_from_join_link(std::string_view link) {
    if (link.size() < kJoinLinkPrefix.size()) return {};
    for (std::size_t i = 0; i < kJoinLinkPrefix.size(); ++i) {
        char c = link[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != kJoinLinkPrefix[i]) return {};
    }
    std::string_view code = link.substr(kJoinLinkPrefix.size());
    if (!code.empty() && code.back() == '/') code.remove_suffix(1);
    return valid_session_code(code) ? std::string(code) : std::string();
}

}  // namespace wire
