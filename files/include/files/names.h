// What name an offered file gets in the download folder. The offer comes
// from the other side of the session: treat it as hostile. Rules, with the
// reasons, in docs/FILES.md ("Names"); the table in tests/files/ is the spec.
#pragma once

#include <cstddef>
#include <string>

namespace files {

// Longest sanitised name (bytes of UTF-8). Below the 255-byte limit of
// common file systems so that a collision suffix " (9999)" still fits.
constexpr std::size_t kMaxSanitisedName = 240;

struct SanitisedName {
    bool ok = false;
    std::string name;    // when ok: safe single path component
    std::string reason;  // when !ok: why the name was refused (a sentence)
};

// Turns an offered name into one safe path component, or refuses it.
SanitisedName sanitise_name(const std::string& offered);

// "name.ext" -> "name (n).ext"; "name" -> "name (n)"; n >= 1.
std::string with_collision_suffix(const std::string& name, unsigned n);

}  // namespace files
