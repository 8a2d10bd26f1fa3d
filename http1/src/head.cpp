// Request heads, response heads and body framing (see http1/http1.h).
#include "http1/http1.h"

#include <algorithm>
#include <cctype>

namespace http1 {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

bool has_ctl(std::string_view s) {
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// RFC 9110 token characters: what a header name may hold.
bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (unsigned char c : s)
        if (!(std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos))
            return false;
    return true;
}

// "HTTP/1.x 200 OK" -> status and reason.
void parse_status_line(std::string_view line, ResponseHead& out) {
    if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || !std::isdigit((unsigned char)line[7]) ||
        line[8] != ' ')
        throw ParseError("not an HTTP/1.x status line");
    std::string_view code = line.substr(9, 3);
    if (!std::all_of(code.begin(), code.end(), [](unsigned char c) { return std::isdigit(c); }) ||
        code[0] == '0')
        throw ParseError("bad status code in the status line");
    if (line.size() > 12 && line[12] != ' ') throw ParseError("bad status line");
    out.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    out.reason = line.size() > 13 ? std::string(line.substr(13)) : std::string();
}

void parse_header_line(std::string_view line, ResponseHead& out, const Limits& limits) {
    if (line.front() == ' ' || line.front() == '\t')
        throw ParseError("obsolete header line folding");
    auto colon = line.find(':');
    if (colon == std::string_view::npos) throw ParseError("header line without ':'");
    std::string_view name = line.substr(0, colon);
    if (!is_token(name)) throw ParseError("bad header name");
    if (out.headers.size() >= limits.max_headers) throw ParseError("too many header lines");
    out.headers.emplace_back(std::string(name), std::string(trim(line.substr(colon + 1))));
}

std::uint64_t parse_length(std::string_view v) {
    v = trim(v);
    if (v.empty() || v.size() > 18 ||
        !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); }))
        throw ParseError("bad Content-Length");
    std::uint64_t n = 0;
    for (char c : v) n = n * 10 + static_cast<std::uint64_t>(c - '0');
    return n;
}

}  // namespace

const char* version() { return TETHER_VERSION; }

std::string user_agent(const std::string& platform) {
    return std::string("Tether/") + TETHER_VERSION + " (" + platform + ")";
}

std::string write_request_head(const RequestHead& head) {
    if (!is_token(head.method)) throw std::invalid_argument("bad HTTP method");
    if (head.target.empty() || has_ctl(head.target) || head.target.find(' ') != std::string::npos)
        throw std::invalid_argument("bad request target");
    std::string out = head.method + " " + head.target + " HTTP/1.1\r\n";
    for (auto& [name, value] : head.headers) {
        if (!is_token(name)) throw std::invalid_argument("bad header name '" + name + "'");
        if (has_ctl(value)) throw std::invalid_argument("header " + name + " holds CR, LF or NUL");
        out += name + ": " + value + "\r\n";
    }
    return out + "\r\n";
}

std::string ResponseHead::header(std::string_view name) const {
    for (auto& [n, v] : headers)
        if (iequals(n, name)) return v;
    return {};
}

bool ResponseHead::has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(), [&](auto& h) { return iequals(h.first, name); });
}

std::vector<std::string> ResponseHead::headers_named(std::string_view name) const {
    std::vector<std::string> out;
    for (auto& [n, v] : headers)
        if (iequals(n, name)) out.push_back(v);
    return out;
}

// Lines end in CRLF; a bare LF is accepted too (RFC 9112 section 2.2).
std::size_t parse_response_head(std::string_view buf, ResponseHead& out, const Limits& limits) {
    std::size_t end = std::string_view::npos, pos = 0;
    ResponseHead head;
    bool first = true;
    for (;;) {
        auto nl = buf.find('\n', pos);
        bool too_long = nl == std::string_view::npos ? buf.size() >= limits.max_head : nl + 1 > limits.max_head;
        if (too_long) throw ParseError("response head longer than " + std::to_string(limits.max_head) + " bytes");
        if (nl == std::string_view::npos) return 0;  // not enough bytes yet
        std::string_view line = buf.substr(pos, nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find('\r') != std::string_view::npos || line.find('\0') != std::string_view::npos)
            throw ParseError("stray CR or NUL in the response head");
        pos = nl + 1;
        if (first) {
            parse_status_line(line, head);
            first = false;
        } else if (line.empty()) {
            end = pos;
            break;
        } else {
            parse_header_line(line, head, limits);
        }
    }
    out = std::move(head);
    return end;
}

BodyFraming body_framing(const ResponseHead& head, std::string_view method) {
    BodyFraming f;
    if (method == "HEAD" || head.status / 100 == 1 || head.status == 204 || head.status == 304) return f;
    if (method == "CONNECT" && head.status / 100 == 2) return f;
    std::string te = head.header("Transfer-Encoding");
    if (!te.empty()) {
        std::string_view last = trim(std::string_view(te).substr(te.rfind(',') == std::string::npos ? 0 : te.rfind(',') + 1));
        if (!iequals(last, "chunked")) throw ParseError("unsupported Transfer-Encoding '" + te + "'");
        f.kind = BodyFraming::chunked;
        return f;
    }
    auto lengths = head.headers_named("Content-Length");
    if (lengths.empty()) {
        f.kind = BodyFraming::until_close;
        return f;
    }
    f.kind = BodyFraming::sized;
    f.length = parse_length(lengths[0]);
    for (auto& l : lengths)
        if (parse_length(l) != f.length) throw ParseError("conflicting Content-Length headers");
    return f;
}

}  // namespace http1
