#include "files/names.h"

#include <algorithm>
#include <cctype>

namespace files {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
std::size_t utf8_len(const std::string& s, std::size_t i) {
    auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
    return n;
}

// Characters no file system we target accepts in a name, or that separate paths.
bool is_unsafe_ascii(unsigned char c) {
    static const std::string bad = "/\\<>:\"|?*";
    return c < 0x20 || c == 0x7f || bad.find(static_cast<char>(c)) != std::string::npos;
}

// Replaces invalid UTF-8, control characters and separators with '_'.
std::string replace_unsafe(const std::string& in) {
    std::string out;
    for (std::size_t i = 0; i < in.size();) {
        std::size_t n = utf8_len(in, i);
        if (n == 0 || (n == 1 && is_unsafe_ascii(static_cast<unsigned char>(in[i])))) {
            out += '_';
            i += n == 0 ? 1 : n;
            continue;
        }
        out.append(in, i, n);
        i += n;
    }
    return out;
}

// Leading dots would hide the file (and could imitate our .tether-partial-
// files); trailing dots and spaces are dropped by Windows, making two names equal.
std::string trim_dots_and_spaces(const std::string& s) {
    auto is_trim = [](char c) { return c == '.' || c == ' '; };
    std::size_t b = 0, e = s.size();
    while (b < e && is_trim(s[b])) ++b;
    while (e > b && is_trim(s[e - 1])) --e;
    return s.substr(b, e - b);
}

// CON, PRN, AUX, NUL, COM1-9, LPT1-9 (also with the superscript digits
// ¹ ² ³, which Windows treats as the same devices), with any extension, any
// case: devices on Windows, whatever folder they are "created" in.
bool is_reserved_device(const std::string& name) {
    std::string stem = name.substr(0, name.find('.'));
    while (!stem.empty() && stem.back() == ' ') stem.pop_back();
    std::transform(stem.begin(), stem.end(), stem.begin(), [](unsigned char c) { return std::toupper(c); });
    if (stem == "CON" || stem == "PRN" || stem == "AUX" || stem == "NUL") return true;
    if (stem.size() < 4 || (stem.compare(0, 3, "COM") != 0 && stem.compare(0, 3, "LPT") != 0)) return false;
    const std::string digit = stem.substr(3);
    return (digit.size() == 1 && digit[0] >= '1' && digit[0] <= '9') || digit == "\u00b9" || digit == "\u00b2" ||
           digit == "\u00b3";
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string utf8_prefix(const std::string& s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
    return s.substr(0, cut);
}

// Position of the extension's dot, or npos; a name's only leading dot is not one.
std::size_t extension_dot(const std::string& name) {
    std::size_t dot = name.rfind('.');
    return dot == 0 ? std::string::npos : dot;
}

// Keeps the extension (up to 32 bytes) when a long name must be shortened.
std::string shorten(const std::string& name) {
    if (name.size() <= kMaxSanitisedName) return name;
    std::size_t dot = extension_dot(name);
    std::string ext = (dot != std::string::npos && name.size() - dot <= 32) ? name.substr(dot) : "";
    std::string stem = name.substr(0, name.size() - ext.size());
    return trim_dots_and_spaces(utf8_prefix(stem, kMaxSanitisedName - ext.size())) + ext;
}

}  // namespace

SanitisedName sanitise_name(const std::string& offered) {
    if (offered.empty()) return {false, "", "the offered file name is empty"};
    if (offered == "." || offered == "..") return {false, "", "the offered file name \"" + offered + "\" is a directory reference"};
    std::string name = shorten(trim_dots_and_spaces(replace_unsafe(offered)));
    if (name.empty()) return {false, "", "the offered file name has no usable characters"};
    // After shortening, which can itself leave "CON.txt" behind.
    if (is_reserved_device(name)) name = "_" + name;
    return {true, name, ""};
}

std::string with_collision_suffix(const std::string& name, unsigned n) {
    std::size_t dot = extension_dot(name);
    std::string suffix = " (" + std::to_string(n) + ")";
    if (dot == std::string::npos) return name + suffix;
    return name.substr(0, dot) + suffix + name.substr(dot);
}

}  // namespace files
