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

// The digits of a code as typed or pasted ("482 913", "482-913",
// "482913\r"): everything else dropped. valid_session_code() still decides.
inline std::string session_code_digits(std::string_view typed) {
    std::string out;
    for (char c : typed)
        if (c >= '0' && c <= '9') out += c;
    return out;
}

}  // namespace wire
