// HTTP/1.1 client framing, platform-neutral (no sockets, no TLS): the bytes
// of a request head, an incremental response-head parser, a chunked encoder
// and an incremental chunked decoder, Basic credentials and the User-Agent.
// The Windows backend (winnet/) speaks HTTP to the proxy and the relay with
// these; every parser is bounded and "not enough bytes yet" is a normal
// answer, never an error. Malformed or oversized input throws ParseError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace http1 {

class ParseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// Tether's version, "0.1.0" (the CMake project version), for --version.
const char* version();

// "Tether/<version> (<platform>)": on every request and CONNECT, so that
// proxy admins can write rules for Tether (docs/PROTOCOL.md section 3).
std::string user_agent(const std::string& platform);

// --- requests ----------------------------------------------------------------

struct RequestHead {
    std::string method;  // "GET", "POST", "CONNECT"...
    std::string target;  // "/v1/stream/down" (origin form) or "host:port" (CONNECT)
    Headers headers;     // in this order; Host is the caller's job
};

// "METHOD target HTTP/1.1\r\n" + "Name: value\r\n"... + "\r\n". Throws
// std::invalid_argument when a field holds CR, LF or NUL (header injection)
// or a name is empty or holds ':' or a space.
std::string write_request_head(const RequestHead& head);

// --- responses ---------------------------------------------------------------

struct Limits {
    // A response head longer than this is refused: relay and proxy heads are
    // a few hundred bytes; 16 KiB leaves room for a proxy's cookies.
    std::size_t max_head = 16 * 1024;
    std::size_t max_headers = 100;
    // Largest chunk we accept: a relay chunk is at most a batch of frames
    // (~256 KiB); 16 MiB bounds memory against a hostile size line.
    std::uint64_t max_chunk = 16u << 20;
};

struct ResponseHead {
    int status = 0;      // 100..999
    std::string reason;  // may be empty
    Headers headers;
    // First value of `name` (case-insensitive); empty when absent.
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
    // Every value of `name`, in order (e.g. several Proxy-Authenticate).
    std::vector<std::string> headers_named(std::string_view name) const;
};

// Parses a response head at the start of `buf`. Returns 0 when `buf` holds
// no complete head yet, else the head's length in bytes (the body follows).
// Throws ParseError when it is malformed or longer than limits.max_head.
std::size_t parse_response_head(std::string_view buf, ResponseHead& out, const Limits& limits = {});

// How the body of a response is delimited (RFC 9112 section 6.3).
struct BodyFraming {
    enum Kind { none, sized, chunked, until_close } kind = none;
    std::uint64_t length = 0;  // for Kind::sized
};
// `method` is the request's: HEAD has no body, a 2xx to CONNECT is a tunnel.
// Throws ParseError on a bad or conflicting Content-Length.
BodyFraming body_framing(const ResponseHead& head, std::string_view method);

// --- chunked transfer coding ---------------------------------------------------

// Appends `data` as one chunk ("<hex>\r\n<data>\r\n"); nothing for empty data
// (an empty chunk would end the body).
void append_chunk(std::string& out, std::string_view data);
// The last chunk and an empty trailer: ends a chunked body.
inline const char* last_chunk() { return "0\r\n\r\n"; }

// Decodes a chunked body incrementally: feed() whatever arrived; decoded
// bytes are appended to `out`. Stops at the end of the body (trailers
// skipped); bytes after it are not consumed.
class ChunkedDecoder {
public:
    explicit ChunkedDecoder(const Limits& limits = {}) : limits_(limits) {}
    // Returns how many bytes of [p, p+n) it consumed (all of them unless the
    // body ended). Throws ParseError on malformed input.
    std::size_t feed(const char* p, std::size_t n, std::string& out);
    bool finished() const { return state_ == State::done; }

private:
    enum class State { size_line, data, data_crlf, trailer, done };
    bool take_line(const char*& p, const char* end, std::size_t max);
    void on_size_line();

    Limits limits_;
    State state_ = State::size_line;
    std::string line_;        // the line being collected (size line, trailer)
    std::uint64_t left_ = 0;  // bytes left in the current chunk
};

// --- small helpers -----------------------------------------------------------

std::string base64(std::string_view bytes);
// Throws ParseError on characters outside the alphabet or bad padding.
std::string base64_decode(std::string_view text);
// Decodes %XX escapes ("CORP%5Cbob" -> "CORP\bob", "%20" -> " "); a '%' not
// followed by two hex digits stays as it is. For URL user info (proxy
// credentials) and file:// URIs (dropped files).
std::string percent_decode(std::string_view text);
// "Basic base64(user:password)" for Proxy-Authorization.
std::string basic_credentials(const std::string& user, const std::string& password);

// An http(s) URL split for a client: "https://relay.example.com:8443/base".
struct Url {
    std::string scheme;  // "http" or "https", lower case
    std::string host;    // without brackets for IPv6 literals
    int port = 0;        // default by scheme when the URL has none
    std::string path;    // "" or "/base" (no trailing slash)
    std::string host_port() const;  // "host:port" ("[v6]:port")
};
// Throws std::invalid_argument with a sentence naming the URL.
Url parse_url(const std::string& url);

}  // namespace http1
