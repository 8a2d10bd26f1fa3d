// NtlmProxy (see support/ntlm_proxy.h).
#include "support/ntlm_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "support/net.h"

namespace test_support {
namespace {

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string b64(const std::string& in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        unsigned v = (unsigned char)in[i] << 16;
        if (i + 1 < in.size()) v |= (unsigned char)in[i + 1] << 8;
        if (i + 2 < in.size()) v |= (unsigned char)in[i + 2];
        out += kB64[(v >> 18) & 63];
        out += kB64[(v >> 12) & 63];
        out += i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
        out += i + 2 < in.size() ? kB64[v & 63] : '=';
    }
    return out;
}

std::string unb64(const std::string& in) {
    std::string out;
    unsigned v = 0;
    int bits = 0;
    for (char c : in) {
        const char* p = std::strchr(kB64, c);
        if (!p || !c) continue;
        v = (v << 6) | unsigned(p - kB64);
        if ((bits += 6) >= 8) out += char((v >> (bits -= 8)) & 255);
    }
    return out;
}

void put16(std::string& s, unsigned v) { s += char(v & 255); s += char(v >> 8); }
void put32(std::string& s, unsigned v) { put16(s, v & 0xffff); put16(s, v >> 16); }
std::string utf16(const std::string& a) { std::string s; for (char c : a) { s += c; s += '\0'; } return s; }
std::string narrow(const std::string& u) { std::string s; for (std::size_t i = 0; i < u.size(); i += 2) s += u[i]; return s; }
unsigned get16(const std::string& m, std::size_t at) { return (unsigned char)m[at] | (unsigned char)m[at + 1] << 8; }
unsigned get32(const std::string& m, std::size_t at) { return get16(m, at) | get16(m, at + 2) << 16; }

// A security buffer (len, maxlen, offset) of a type-3 message.
std::string field(const std::string& m, std::size_t at) {
    if (m.size() < at + 8) return "";
    unsigned len = get16(m, at), off = get32(m, at + 4);
    return off + len <= m.size() ? m.substr(off, len) : "";
}

// NTLM type 2 (MS-NLMP 2.2.1.2) with target info and a timestamp: what
// wine's NTLM (ntlm_auth) insists on.
std::string challenge() {
    std::string target = utf16("LAB"), info;
    const std::pair<unsigned, std::string> avs[] = {{2, utf16("LAB")}, {1, utf16("PROXY")},
                                                    {4, utf16("lab.test")}, {3, utf16("proxy.lab.test")}};
    for (auto& [id, v] : avs) { put16(info, id); put16(info, unsigned(v.size())); info += v; }
    put16(info, 7); put16(info, 8);
    auto now = std::chrono::system_clock::now().time_since_epoch();
    unsigned long long ft = (std::chrono::duration_cast<std::chrono::seconds>(now).count() + 11644473600ULL) * 10000000ULL;
    for (int i = 0; i < 8; ++i) info += char((ft >> (8 * i)) & 255);
    put16(info, 0); put16(info, 0);
    const unsigned flags = 0x1 | 0x4 | 0x200 | 0x8000 | 0x10000 | 0x80000 | 0x800000 | 0x2000000 | 0x20000000 | 0x80000000;
    const unsigned off = 56;
    std::string m("NTLMSSP\0", 8);
    put32(m, 2);
    put16(m, unsigned(target.size())); put16(m, unsigned(target.size())); put32(m, off);
    put32(m, flags);
    m += std::string("\x01\x23\x45\x67\x89\xab\xcd\xef", 8) + std::string(8, '\0');
    put16(m, unsigned(info.size())); put16(m, unsigned(info.size())); put32(m, off + unsigned(target.size()));
    m += std::string("\x0a\x00\x63\x45\x00\x00\x00\x0f", 8);
    return m + target + info;
}

bool send_all(int fd, const std::string& s) {
    std::size_t at = 0;
    while (at < s.size()) {
        ssize_t n = ::send(fd, s.data() + at, s.size() - at, MSG_NOSIGNAL);
        if (n <= 0) return false;
        at += std::size_t(n);
    }
    return true;
}

// Reads one request head; false on EOF.
bool read_head(int fd, std::string& buf, std::string& head) {
    for (;;) {
        auto end = buf.find("\r\n\r\n");
        if (end != std::string::npos) {
            head = buf.substr(0, end + 2);
            buf.erase(0, end + 4);
            return true;
        }
        char tmp[4096];
        ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
        if (n <= 0 || buf.size() > 65536) return false;
        buf.append(tmp, std::size_t(n));
    }
}

std::string header(const std::string& head, const std::string& name) {
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string key = "\r\n" + name + ":";
    auto at = lower.find(key);
    if (at == std::string::npos) return "";
    auto start = head.find_first_not_of(' ', at + key.size());
    return head.substr(start, head.find("\r\n", start) - start);
}

void pump(int a, int b) {
    pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    char buf[65536];
    for (;;) {
        if (::poll(fds, 2, 500) < 0) return;
        for (int i = 0; i < 2; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = ::recv(fds[i].fd, buf, sizeof buf, 0);
            if (n <= 0 || !send_all(fds[1 - i].fd, std::string(buf, std::size_t(n)))) return;
        }
    }
}

}  // namespace

NtlmProxy::NtlmProxy(std::string user, Mode mode) : user_(std::move(user)), mode_(mode) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(0);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 64) != 0)
        throw std::runtime_error("NtlmProxy: cannot listen");
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

NtlmProxy::~NtlmProxy() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    {
        std::lock_guard<std::mutex> lk(mu_);
        for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : threads_) t.join();
    for (int fd : open_fds_) ::close(fd);
    ::close(listen_fd_);
}

std::vector<std::string> NtlmProxy::log() const {
    std::lock_guard<std::mutex> lk(mu_);
    return log_;
}

void NtlmProxy::note(const std::string& line) {
    std::lock_guard<std::mutex> lk(mu_);
    log_.push_back(line);
}

void NtlmProxy::accept_loop() {
    for (;;) {
        int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0 || stopping_) {
            if (fd >= 0) ::close(fd);
            return;
        }
        std::lock_guard<std::mutex> lk(mu_);
        open_fds_.push_back(fd);
        threads_.emplace_back([this, fd] { serve(fd); });
    }
}

namespace {

// The request's (or answer's) body after its head: Content-Length bytes
// from `buf` and then `fd`; false on EOF first.
bool take_body(int fd, std::string& buf, const std::string& head, std::string& body) {
    std::string length = header(head, "content-length");
    std::size_t n = length.empty() ? 0 : std::stoul(length);
    while (buf.size() < n) {
        char tmp[65536];
        ssize_t got = ::recv(fd, tmp, sizeof tmp, 0);
        if (got <= 0) return false;
        buf.append(tmp, std::size_t(got));
    }
    body = buf.substr(0, n);
    buf.erase(0, n);
    return true;
}

// The head without the hop-by-hop proxy headers, with `first` as its
// first line; ends with the blank line.
std::string rewrite_head(const std::string& head, const std::string& first) {
    std::string out = first + "\r\n";
    std::size_t at = head.find("\r\n") + 2;
    while (at < head.size()) {
        std::size_t end = head.find("\r\n", at);
        std::string l = head.substr(at, end - at), lower = l;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower.rfind("proxy-authorization:", 0) != 0 && lower.rfind("proxy-connection:", 0) != 0) out += l + "\r\n";
        at = end + 2;
    }
    return out + "\r\n";
}

const char kDenied[] = "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM\r\nContent-Length: 0\r\n\r\n";

}  // namespace

bool NtlmProxy::forward(int fd, std::string& buf, const std::string& head, int& upstream) {
    std::string body;
    if (!take_body(fd, buf, head, body)) return false;
    // "GET http://localhost:P/v1/x HTTP/1.1" -> "GET /v1/x HTTP/1.1" to 127.0.0.1:P
    std::string line = head.substr(0, head.find("\r\n"));
    std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    std::string url = line.substr(sp1 + 1, sp2 - sp1 - 1);
    if (url.rfind("http://", 0) != 0) return send_all(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    std::size_t slash = url.find('/', 7);
    std::string host_port = url.substr(7, slash - 7), path = slash == std::string::npos ? "/" : url.substr(slash);
    std::size_t colon = host_port.rfind(':');
    if (upstream < 0) {
        upstream = ::socket(AF_INET, SOCK_STREAM, 0);
        {
            std::lock_guard<std::mutex> lk(mu_);
            open_fds_.push_back(upstream);  // shut down and closed by the destructor
        }
        sockaddr_in a = loopback(colon == std::string::npos ? 80 : std::stoi(host_port.substr(colon + 1)));
        if (::connect(upstream, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            send_all(fd, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            return false;
        }
    }
    if (!send_all(upstream, rewrite_head(head, line.substr(0, sp1) + " " + path + line.substr(sp2)) + body))
        return false;
    std::string ubuf, answer, answer_body;
    if (!read_head(upstream, ubuf, answer)) return false;
    if (!header(answer, "transfer-encoding").empty()) return false;  // not needed by the relay's poll answers
    int status = std::stoi(answer.substr(answer.find(' ') + 1, 3));
    bool sized = !header(answer, "content-length").empty() || status == 204 || status == 304 || status / 100 == 1;
    if (!sized) {  // ends at the close
        char tmp[65536];
        for (ssize_t n; (n = ::recv(upstream, tmp, sizeof tmp, 0)) > 0;) ubuf.append(tmp, std::size_t(n));
        send_all(fd, answer + "\r\n" + ubuf);
        return false;
    }
    if (!take_body(upstream, ubuf, answer, answer_body)) return false;
    return send_all(fd, answer + "\r\n" + answer_body) &&
           header(answer, "connection").find("close") == std::string::npos;
}

// NTLM is connection-bound: negotiate, challenge and authenticate on one
// connection; the tunnel, or in plain_only mode every later request, then
// uses it.
void NtlmProxy::serve(int fd) {
    std::string buf, head, authed;  // authed: the user this connection logged in as
    int upstream = -1;              // plain_only: the connection to the relay
    const bool plain = mode_ == Mode::plain_only;
    // A refused request's body is read and dropped, so that the next head
    // can follow on the same connection.
    auto refuse = [&](const std::string& answer) {
        std::string body;
        return take_body(fd, buf, head, body) && send_all(fd, answer);
    };
    while (!stopping_ && read_head(fd, buf, head)) {
        std::string line = head.substr(0, head.find("\r\n"));
        std::string auth = header(head, "proxy-authorization");
        std::string ua = header(head, "user-agent");
        std::string msg = auth.rfind("NTLM ", 0) == 0 ? unb64(auth.substr(5)) : "";
        unsigned type = msg.size() >= 12 && msg.compare(0, 8, std::string("NTLMSSP\0", 8)) == 0 ? get32(msg, 8) : 0;
        if (plain && line.rfind("CONNECT ", 0) == 0) {
            note(line + " | denied CONNECT | UA " + ua);
            if (!refuse("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")) break;
            continue;
        }
        if (plain && !authed.empty() && type == 0) {
            note(line + " | conn user=" + authed + " | UA " + ua);
            if (!forward(fd, buf, head, upstream)) break;
            continue;
        }
        if (type == 1) {
            note(line + " | type1 | UA " + ua);
            if (!refuse("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: NTLM " + b64(challenge()) +
                        "\r\nContent-Length: 0\r\n\r\n"))
                break;
            continue;
        }
        if (type != 3) {
            note(line + " | none | UA " + ua);
            if (!refuse(kDenied)) break;
            continue;
        }
        std::string user = narrow(field(msg, 36)), domain = narrow(field(msg, 28));
        bool ok = user == user_ && field(msg, 20).size() >= 24;  // an NT response is there
        note(line + " | type3 user=" + user + " domain=" + domain + (ok ? " ok" : " refused") + " | UA " + ua);
        if (!ok) {
            if (!refuse(kDenied)) break;
            continue;
        }
        if (plain) {
            authed = user;
            if (!forward(fd, buf, head, upstream)) break;
            continue;
        }
        std::string target = line.substr(8, line.find(' ', 8) - 8);
        int port = std::stoi(target.substr(target.rfind(':') + 1));
        int up = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a = loopback(port);
        if (::connect(up, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            send_all(fd, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
            ::close(up);
            break;
        }
        send_all(fd, "HTTP/1.1 200 Connection established\r\n\r\n");
        if (!buf.empty()) send_all(up, buf);
        pump(fd, up);
        ::close(up);
        break;
    }
    ::shutdown(fd, SHUT_RDWR);
}

}  // namespace test_support
