// http1/: table-driven tests of the HTTP/1.1 client framing, run on Linux
// and under wine alike. Every parser is fed whole and byte by byte ("not
// enough bytes yet" must be a normal answer at every split).
#include <catch2/catch.hpp>

#include "http1/http1.h"

using namespace http1;

namespace {

// Feeds `wire` one byte at a time: the head must only complete at its end.
std::size_t parse_bytewise(const std::string& wire, ResponseHead& out) {
    for (std::size_t n = 1; n <= wire.size(); ++n) {
        std::size_t used = parse_response_head(std::string_view(wire.data(), n), out);
        if (used) return used;
    }
    return 0;
}

std::string decode_all(const std::string& wire, std::size_t step, bool& finished, std::size_t& used) {
    ChunkedDecoder d;
    std::string out;
    used = 0;
    while (used < wire.size() && !d.finished()) {
        std::size_t n = std::min(step, wire.size() - used);
        used += d.feed(wire.data() + used, n, out);
    }
    finished = d.finished();
    return out;
}

}  // namespace

TEST_CASE("http1: request heads are written exactly", "[http1]") {
    RequestHead h{"CONNECT", "localhost:443", {{"Host", "localhost:443"}, {"User-Agent", "Tether/1 (t)"}}};
    CHECK(write_request_head(h) ==
          "CONNECT localhost:443 HTTP/1.1\r\nHost: localhost:443\r\nUser-Agent: Tether/1 (t)\r\n\r\n");
    CHECK(write_request_head({"GET", "/v1/poll/down?wait=2", {}}) == "GET /v1/poll/down?wait=2 HTTP/1.1\r\n\r\n");
}

TEST_CASE("http1: request heads refuse header injection", "[http1]") {
    struct Row { RequestHead head; const char* why; };
    std::vector<Row> rows = {
        {{"GET", "/", {{"X", "a\r\nEvil: 1"}}}, "CRLF in a value"},
        {{"GET", "/", {{"X", std::string("a\0b", 3)}}}, "NUL in a value"},
        {{"GET", "/", {{"X", "a\nb"}}}, "LF in a value"},
        {{"GET", "/", {{"", "v"}}}, "empty name"},
        {{"GET", "/", {{"Bad Name", "v"}}}, "space in a name"},
        {{"GET", "/", {{"Bad:Name", "v"}}}, "colon in a name"},
        {{"GET", "/a b", {}}, "space in the target"},
        {{"GET", "/a\r\n", {}}, "CRLF in the target"},
        {{"G T", "/", {}}, "space in the method"},
        {{"GET", "", {}}, "empty target"},
    };
    for (auto& r : rows) {
        INFO(r.why);
        CHECK_THROWS_AS(write_request_head(r.head), std::invalid_argument);
    }
}

TEST_CASE("http1: response heads parse, whole and byte by byte", "[http1]") {
    struct Row { std::string wire; int status; std::string reason; std::size_t headers; std::string ua; };
    std::vector<Row> rows = {
        {"HTTP/1.1 200 Connection established\r\n\r\n", 200, "Connection established", 0, ""},
        {"HTTP/1.0 200 OK\r\nServer: x\r\n\r\n", 200, "OK", 1, ""},
        {"HTTP/1.1 204\r\n\r\n", 204, "", 0, ""},                      // no reason phrase
        {"HTTP/1.1 204 \r\n\r\n", 204, "", 0, ""},                     // empty reason
        {"HTTP/1.1 407 Proxy Authentication Required\nProxy-Authenticate: Basic realm=\"x\"\n\n",
         407, "Proxy Authentication Required", 1, ""},                 // bare LF
        {"HTTP/1.1 200 OK\r\nuser-agent:   spaced   \r\n\r\n", 200, "OK", 1, "spaced"},
    };
    for (auto& r : rows) {
        INFO(r.wire);
        ResponseHead whole, bytewise;
        std::string wire = r.wire + "BODY";
        CHECK(parse_response_head(wire, whole) == r.wire.size());
        CHECK(parse_bytewise(wire, bytewise) == r.wire.size());
        CHECK(whole.status == r.status);
        CHECK(whole.reason == r.reason);
        CHECK(whole.headers.size() == r.headers);
        CHECK(whole.header("User-Agent") == r.ua);
        CHECK(bytewise.headers == whole.headers);
    }
}

TEST_CASE("http1: header lookup is case-insensitive and keeps every value", "[http1]") {
    ResponseHead h;
    std::string wire = "HTTP/1.1 407 x\r\nProxy-Authenticate: NTLM\r\nproxy-authenticate: Basic realm=\"r\"\r\n"
                       "X-Tether-Seq: 7\r\n\r\n";
    REQUIRE(parse_response_head(wire, h) == wire.size());
    CHECK(h.header("x-tether-seq") == "7");
    CHECK(h.headers_named("PROXY-AUTHENTICATE") == std::vector<std::string>{"NTLM", "Basic realm=\"r\""});
    CHECK_FALSE(h.has_header("Content-Length"));
}

TEST_CASE("http1: malformed response heads are refused", "[http1]") {
    struct Row { std::string wire; const char* why; };
    std::vector<Row> rows = {
        {"HTTP/2 200 OK\r\n\r\n", "not HTTP/1.x"},
        {"ICY 200 OK\r\n\r\n", "not HTTP"},
        {"HTTP/1.1 20 OK\r\n\r\n", "two-digit status"},
        {"HTTP/1.1 2000 OK\r\n\r\n", "four-digit status"},
        {"HTTP/1.1 abc OK\r\n\r\n", "letters for a status"},
        {"HTTP/1.1 099 OK\r\n\r\n", "status below 100"},
        {"HTTP/1.1  200 OK\r\n\r\n", "two spaces"},
        {"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "header without colon"},
        {"HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n", "space in a header name"},
        {"HTTP/1.1 200 OK\r\n: v\r\n\r\n", "empty header name"},
        {"HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", "obsolete folding"},
        {"HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", "stray CR"},
        {std::string("HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n", 27), "NUL"},
        {"\r\n\r\n", "empty status line"},
    };
    for (auto& r : rows) {
        INFO(r.why);
        ResponseHead h;
        CHECK_THROWS_AS(parse_response_head(r.wire, h), ParseError);
    }
}

TEST_CASE("http1: oversized response heads are refused, not buffered forever", "[http1]") {
    Limits small;
    small.max_head = 64;
    small.max_headers = 3;
    ResponseHead h;
    std::string longline = "HTTP/1.1 200 OK\r\nX: " + std::string(100, 'a');  // no end yet
    CHECK_THROWS_AS(parse_response_head(longline, h, small), ParseError);
    CHECK(parse_response_head("HTTP/1.1 200 OK\r\nX: aaa", h, small) == 0);  // short: just incomplete
    std::string many = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
    CHECK_THROWS_AS(parse_response_head(many, h, small), ParseError);
    std::string endless(20000, 'x');  // default limit 16 KiB, no newline at all
    CHECK_THROWS_AS(parse_response_head(endless, h), ParseError);
}

TEST_CASE("http1: body framing follows RFC 9112", "[http1]") {
    struct Row { std::string head; std::string method; BodyFraming::Kind kind; std::uint64_t length; };
    std::vector<Row> rows = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", "GET", BodyFraming::sized, 12},
        {"HTTP/1.1 200 OK\r\nContent-Length: 12\r\nContent-Length: 12\r\n\r\n", "GET", BodyFraming::sized, 12},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "GET", BodyFraming::chunked, 0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n", "GET", BodyFraming::chunked, 0},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", "GET", BodyFraming::chunked, 0},
        {"HTTP/1.1 200 OK\r\n\r\n", "GET", BodyFraming::until_close, 0},
        {"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", "POST", BodyFraming::none, 0},
        {"HTTP/1.1 304 Not Modified\r\n\r\n", "GET", BodyFraming::none, 0},
        {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD", BodyFraming::none, 0},
        {"HTTP/1.1 200 Connection established\r\n\r\n", "CONNECT", BodyFraming::none, 0},
        {"HTTP/1.1 407 Auth\r\nContent-Length: 9\r\n\r\n", "CONNECT", BodyFraming::sized, 9},
    };
    for (auto& r : rows) {
        INFO(r.head);
        ResponseHead h;
        REQUIRE(parse_response_head(r.head, h) == r.head.size());
        auto f = body_framing(h, r.method);
        CHECK(f.kind == r.kind);
        CHECK(f.length == r.length);
    }
    std::vector<std::string> bad = {
        "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nContent-Length: 13\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
    };
    for (auto& b : bad) {
        INFO(b);
        ResponseHead h;
        REQUIRE(parse_response_head(b, h) == b.size());
        CHECK_THROWS_AS(body_framing(h, "GET"), ParseError);
    }
}

TEST_CASE("http1: chunks are encoded exactly", "[http1]") {
    std::string out;
    append_chunk(out, "hello");
    append_chunk(out, "");  // nothing: an empty chunk would end the body
    append_chunk(out, std::string(26, 'z'));
    CHECK(out == "5\r\nhello\r\n1a\r\n" + std::string(26, 'z') + "\r\n");
    CHECK(std::string(last_chunk()) == "0\r\n\r\n");
}

TEST_CASE("http1: chunked bodies decode at every split", "[http1]") {
    struct Row { std::string wire; std::string body; std::size_t tail; };
    std::vector<Row> rows = {
        {"5\r\nhello\r\n0\r\n\r\n", "hello", 0},
        {"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nNEXT", "hello world", 4},   // bytes after the body stay
        {"A\r\n0123456789\r\n0\r\n\r\n", "0123456789", 0},                  // upper-case hex
        {"5;ext=1\r\nhello\r\n0\r\n\r\n", "hello", 0},                      // chunk extension
        {"5 \r\nhello\r\n0\r\n\r\n", "hello", 0},                           // whitespace before CRLF
        {"5\nhello\n0\n\n", "hello", 0},                                    // bare LF
        {"5\r\nhello\r\n0\r\nTrailer: x\r\n\r\n", "hello", 0},              // trailer skipped
        {"0\r\n\r\n", "", 0},
    };
    for (auto& r : rows) {
        for (std::size_t step : {std::size_t(1), std::size_t(2), std::size_t(7), r.wire.size()}) {
            INFO(r.wire << " step " << step);
            bool finished = false;
            std::size_t used = 0;
            CHECK(decode_all(r.wire, step, finished, used) == r.body);
            CHECK(finished);
            CHECK(used == r.wire.size() - r.tail);
        }
    }
    ChunkedDecoder d;  // an unfinished body is "not yet", not an error
    std::string out;
    CHECK(d.feed("5\r\nhel", 6, out) == 6);
    CHECK(out == "hel");
    CHECK_FALSE(d.finished());
}

TEST_CASE("http1: malformed and oversized chunked bodies are refused", "[http1]") {
    Limits small;
    small.max_chunk = 1024;
    struct Row { std::string wire; const char* why; };
    std::vector<Row> rows = {
        {"g\r\n", "not hex"},
        {"\r\n", "empty size line"},
        {"5x\r\nhello\r\n", "junk after the size"},
        {"5\r\nhelloXY", "data not followed by CRLF"},
        {"401\r\n", "chunk above the limit"},
        {"ffffffffffffffffffff\r\n", "size overflows 64 bits"},
        {"5;" + std::string(2000, 'e') + "\r\n", "size line too long"},
        {"0\r\n" + std::string(2000, 't') + "\r\n\r\n", "trailer line too long"},
    };
    for (auto& r : rows) {
        INFO(r.why);
        ChunkedDecoder d(small);
        std::string out;
        CHECK_THROWS_AS(d.feed(r.wire.data(), r.wire.size(), out), ParseError);
    }
}

TEST_CASE("http1: chunked round trip of every byte value", "[http1]") {
    std::string body;
    for (int i = 0; i < 3000; ++i) body += static_cast<char>(i * 7 % 256);
    std::string wire;
    for (std::size_t at = 0; at < body.size(); at += 999) append_chunk(wire, std::string_view(body).substr(at, 999));
    wire += last_chunk();
    bool finished = false;
    std::size_t used = 0;
    CHECK(decode_all(wire, 13, finished, used) == body);
    CHECK(finished);
}

TEST_CASE("http1: base64 matches RFC 4648 and refuses junk", "[http1]") {
    struct Row { std::string plain, encoded; };
    std::vector<Row> rows = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
                             {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}, {std::string("\xff\x00\x80", 3), "/wCA"}};
    for (auto& r : rows) {
        CHECK(base64(r.plain) == r.encoded);
        CHECK(base64_decode(r.encoded) == r.plain);
    }
    for (std::string bad : {"Zg=", "Z===", "Zm9v!A==", "=Zg=", "Zg==Zg=="})
        CHECK_THROWS_AS(base64_decode(bad), ParseError);
    CHECK(basic_credentials("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST_CASE("http1: percent_decode decodes %XX and keeps a stray '%'", "[http1]") {
    struct Row { std::string in, out; };
    std::vector<Row> rows = {{"CORP%5Cbob", "CORP\\bob"}, {"a%20b%2fc", "a b/c"}, {"100%", "100%"},
                             {"%4", "%4"}, {"%zz1", "%zz1"}, {"%%41", "%A"}, {"%00x", std::string("\0x", 2)},
                             {"", ""}};
    for (auto& r : rows) CHECK(percent_decode(r.in) == r.out);
}

TEST_CASE("http1: URLs split into scheme, host, port and path", "[http1]") {
    struct Row { std::string url, scheme, host; int port; std::string path, host_port; };
    std::vector<Row> rows = {
        {"https://relay.example.com/", "https", "relay.example.com", 443, "", "relay.example.com:443"},
        {"HTTPS://Relay.Example.com:8443/base/", "https", "relay.example.com", 8443, "/base", "relay.example.com:8443"},
        {"http://127.0.0.1:3128", "http", "127.0.0.1", 3128, "", "127.0.0.1:3128"},
        {"http://proxy", "http", "proxy", 80, "", "proxy:80"},
        {"https://[::1]:9/", "https", "::1", 9, "", "[::1]:9"},
    };
    for (auto& r : rows) {
        INFO(r.url);
        Url u = parse_url(r.url);
        CHECK(u.scheme == r.scheme);
        CHECK(u.host == r.host);
        CHECK(u.port == r.port);
        CHECK(u.path == r.path);
        CHECK(u.host_port() == r.host_port);
    }
    for (std::string bad : {"relay.example.com", "ftp://x/", "https://", "https://:443/", "https://h:0/",
                            "https://h:70000/", "https://h:x/", "https://u:p@h/", "https://[::1/", "https://h:/"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_url(bad), std::invalid_argument);
    }
}

TEST_CASE("http1: the User-Agent names Tether, its version and the platform", "[http1]") {
    std::string ua = user_agent("Windows");
    CHECK(ua.rfind("Tether/", 0) == 0);
    CHECK(ua.find(" (Windows)") != std::string::npos);
    CHECK(ua.size() > std::string("Tether/ (Windows)").size());
}

// A small deterministic fuzz: random and mutated input never crashes or
// hangs a parser; the only failure it may report is ParseError.
TEST_CASE("http1: random and mutated input only ever gives ParseError", "[http1]") {
    std::uint32_t x = 12345;
    auto next = [&] { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x; };
    const std::string seeds[] = {
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Tether-Seq: 3\r\n\r\n",
        "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nContent-Length: 4\r\n\r\n",
        "1a\r\nabcdefghijklmnopqrstuvwxyz\r\n3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\n"};
    for (int round = 0; round < 20000; ++round) {
        std::string s = seeds[round % 3];
        int edits = 1 + next() % 4;
        for (int e = 0; e < edits; ++e) {
            std::size_t at = next() % (s.size() + 1);
            switch (next() % 3) {
            case 0: if (at < s.size()) s[at] = static_cast<char>(next()); break;
            case 1: s.insert(at, 1, static_cast<char>(next())); break;
            default: if (at < s.size()) s.erase(at, 1 + next() % 8); break;
            }
        }
        ResponseHead h;
        try {
            if (std::size_t used = parse_response_head(s, h)) {
                CHECK(used <= s.size());
                body_framing(h, round % 2 ? "GET" : "CONNECT");
            }
        } catch (const ParseError&) {
        }
        ChunkedDecoder d;
        std::string out;
        try {
            std::size_t used = d.feed(s.data(), s.size(), out);
            CHECK(used <= s.size());
            CHECK(out.size() <= s.size());
        } catch (const ParseError&) {
        }
    }
}
