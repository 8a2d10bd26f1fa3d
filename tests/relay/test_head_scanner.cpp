// HeadScanner: the bounds on a request head, checked on raw bytes, one row
// per edge; and the same head fed a byte at a time gives the same verdict.
#include <catch2/catch.hpp>

#include "head_scanner.h"

using relay::HeadLimits;
using relay::HeadScanner;
using V = HeadScanner::Verdict;

namespace {

constexpr HeadLimits kLimits{64, 3, 200};  // small bounds, to see their edges

std::string lines(int n, std::size_t bytes_each) {
    std::string out;
    for (int i = 0; i < n; ++i) out += std::string(bytes_each - 2, 'h') + "\r\n";
    return out;
}

}  // namespace

TEST_CASE("head bounds, one row per edge") {
    struct Row {
        const char* what;
        std::string bytes;
        V verdict;
        std::size_t head_bytes;  // for `complete`
    };
    const std::string req = "GET / HTTP/1.1\r\n";  // 16 bytes
    const std::vector<Row> rows = {
        {"request line only", req + "\r\n", V::complete, 18},
        {"bare LF line ends", "GET / HTTP/1.1\nA: b\n\n", V::complete, 21},
        {"body bytes after the head stay", req + "\r\nBODY", V::complete, 18},
        {"not complete yet", req + "A: b\r\n", V::need_more, 0},
        {"a line of exactly the bound", req + lines(1, 64) + "\r\n", V::complete, 16 + 64 + 2},
        {"a line one byte over", req + lines(1, 65) + "\r\n", V::line_too_long, 0},
        {"an endless request line", std::string(100, 'G'), V::line_too_long, 0},
        {"three headers", req + lines(3, 10) + "\r\n", V::complete, 16 + 30 + 2},
        {"four headers", req + lines(4, 10) + "\r\n", V::too_many_headers, 0},
        {"a head over its bound in short lines", req + lines(3, 60) + lines(1, 20), V::head_too_large, 0},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        HeadScanner whole(kLimits);
        CHECK(whole.feed(row.bytes) == row.verdict);
        if (row.verdict == V::complete) CHECK(whole.head_bytes() == row.head_bytes);
        HeadScanner bytewise(kLimits);
        V v = V::need_more;
        for (std::size_t i = 0; i < row.bytes.size() && v == V::need_more; ++i) v = bytewise.feed(row.bytes.substr(i, 1));
        CHECK(v == row.verdict);
    }
}

TEST_CASE("reset() scans the next request of a kept-alive connection") {
    HeadScanner s(kLimits);
    REQUIRE(s.feed("GET / HTTP/1.1\r\n\r\n") == V::complete);
    s.reset();
    CHECK(s.feed("GET /x HTTP/1.1\r\n") == V::need_more);
    CHECK(s.feed("\r\n") == V::complete);
    CHECK(s.head_bytes() == 19);
}
