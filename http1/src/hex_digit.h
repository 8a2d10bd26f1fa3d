// One hexadecimal digit's value, for chunk sizes and %XX escapes. Internal
// to http1/.
#pragma once

namespace http1 {

// 0-15, or -1 if `c` is not a hex digit.
inline int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace http1
