// Chunked transfer coding (RFC 9112 section 7.1), both directions.
#include "http1/http1.h"

#include <cctype>
#include <cstdio>

#include "hex_digit.h"

namespace http1 {
namespace {

// A size line is hex digits plus optional extensions; 1 KiB is far more than
// any real one needs and bounds what a hostile peer can make us buffer.
constexpr std::size_t kMaxLine = 1024;

}  // namespace

void append_chunk(std::string& out, std::string_view data) {
    if (data.empty()) return;
    char size[24];
    int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    out.append(size, static_cast<std::size_t>(n));
    out.append(data);
    out += "\r\n";
}

// Collects a line into line_ (without its CRLF); true once it is complete.
bool ChunkedDecoder::take_line(const char*& p, const char* end, std::size_t max) {
    while (p < end) {
        char c = *p++;
        if (c == '\n') {
            if (!line_.empty() && line_.back() == '\r') line_.pop_back();
            return true;
        }
        if (line_.size() >= max) throw ParseError("chunked body: line too long");
        line_ += c;
    }
    return false;
}

void ChunkedDecoder::on_size_line() {
    std::uint64_t size = 0;
    std::size_t i = 0;
    for (; i < line_.size() && hex_digit_value(line_[i]) >= 0; ++i) {
        if (size > (limits_.max_chunk >> 4)) throw ParseError("chunked body: chunk too large");
        size = size * 16 + static_cast<std::uint64_t>(hex_digit_value(line_[i]));
    }
    if (i == 0) throw ParseError("chunked body: bad chunk size line");
    while (i < line_.size() && (line_[i] == ' ' || line_[i] == '\t')) ++i;
    if (i < line_.size() && line_[i] != ';') throw ParseError("chunked body: bad chunk size line");
    if (size > limits_.max_chunk) throw ParseError("chunked body: chunk too large");
    line_.clear();
    left_ = size;
    state_ = size == 0 ? State::trailer : State::data;
}

std::size_t ChunkedDecoder::feed(const char* p, std::size_t n, std::string& out) {
    const char* begin = p;
    const char* end = p + n;
    while (p < end && state_ != State::done) {
        switch (state_) {
        case State::size_line:
            if (take_line(p, end, kMaxLine)) on_size_line();
            break;
        case State::data: {
            std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(left_, end - p));
            out.append(p, take);
            p += take;
            left_ -= take;
            if (left_ == 0) state_ = State::data_crlf;
            break;
        }
        case State::data_crlf:
            if (take_line(p, end, 1)) {
                if (!line_.empty()) throw ParseError("chunked body: chunk not followed by CRLF");
                state_ = State::size_line;
            }
            break;
        case State::trailer:
            // Trailer fields are skipped; an empty line ends the body.
            if (take_line(p, end, kMaxLine)) {
                bool empty = line_.empty();
                line_.clear();
                if (empty) state_ = State::done;
            }
            break;
        case State::done:
            break;
        }
    }
    return static_cast<std::size_t>(p - begin);
}

}  // namespace http1
