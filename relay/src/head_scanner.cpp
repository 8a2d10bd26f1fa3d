#include "head_scanner.h"

namespace relay {

// A line ended (its LF consumed). An empty line ("\r\n" or "\n") ends the
// head; the parser that reads the head next judges everything else.
HeadScanner::Verdict HeadScanner::end_of_line() {
    const bool empty = blank_;
    line_bytes_ = 0;
    blank_ = true;
    if (empty) return Verdict::complete;
    ++lines_;
    if (lines_ - 1 > limits_.max_header_count) return Verdict::too_many_headers;
    return Verdict::need_more;
}

HeadScanner::Verdict HeadScanner::feed(std::string_view more) {
    for (char c : more) {
        ++scanned_;
        ++line_bytes_;
        if (line_bytes_ > limits_.max_line_bytes) return Verdict::line_too_long;
        if (scanned_ > limits_.max_head_bytes) return Verdict::head_too_large;
        if (c != '\n') {
            blank_ = blank_ && c == '\r';
            continue;
        }
        const Verdict v = end_of_line();
        if (v != Verdict::need_more) return v;
    }
    return Verdict::need_more;
}

}  // namespace relay
