// Bounds on a request head, checked on raw bytes before any parser sees them:
// the request line and each header line, the number of header lines, and the
// head as a whole. Incremental ("not enough bytes yet" is a normal answer), so
// the connection reads a head in whatever pieces the network delivers and
// refuses it the moment a bound is crossed, never after buffering it all.
// Internal to relay/.
#pragma once

#include <cstddef>
#include <string_view>

namespace relay {

struct HeadLimits {
    std::size_t max_line_bytes = 8 * 1024;   // request line and each header line, CRLF included
    std::size_t max_header_count = 100;      // header lines (the request line is not one)
    std::size_t max_head_bytes = 32 * 1024;  // request line + headers + the empty line
};

class HeadScanner {
public:
    enum class Verdict { need_more, complete, line_too_long, too_many_headers, head_too_large };

    explicit HeadScanner(HeadLimits limits) : limits_(limits) {}
    // Scans `more`, the bytes that follow those given before. After
    // `complete`, head_bytes() is the head's length (the rest is body);
    // scanning again needs reset().
    Verdict feed(std::string_view more);
    std::size_t head_bytes() const { return scanned_; }
    void reset() { *this = HeadScanner(limits_); }

private:
    Verdict end_of_line();

    HeadLimits limits_;
    std::size_t scanned_ = 0;     // bytes of the head consumed so far
    std::size_t line_bytes_ = 0;  // bytes of the current line so far, its LF included at the end
    std::size_t lines_ = 0;       // complete lines, the request line included
    bool blank_ = true;           // the current line holds nothing but CR so far
};

}  // namespace relay
