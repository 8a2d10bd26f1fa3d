#include "screen/direct.h"

#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "session/fd_stream.h"

namespace screen {
namespace {

sockaddr_in make_addr(const std::string& host_port) {
    auto [host, port] = split_host_port(host_port);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &a.sin_addr) != 1)
        throw std::invalid_argument("not an IPv4 address: " + host);
    return a;
}

// The RFB channel carries small interactive messages: no Nagle delay.
void no_delay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

std::string read_line(session::ByteStream& s) {
    std::string line;
    char c;
    while (line.size() < 256 && s.read(&c, 1) == 1 && c != '\n') line += c;
    return line;
}

void send_line(session::ByteStream& s, const std::string& line) {
    std::string l = line + "\n";
    s.write(l.data(), l.size());
}

// Connects, says the code, waits for the answer. Throws with a sentence.
std::unique_ptr<session::ByteStream> open_socket(const sockaddr_in& a, const std::string& code) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    auto s = session::make_fd_stream(fd);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0)
        throw std::runtime_error("nobody is listening at the direct address (is the desk started?)");
    no_delay(fd);
    send_line(*s, "TETHER-DIRECT " + code);
    std::string answer = read_line(*s);
    if (answer != "OK") throw std::runtime_error(answer.size() > 3 ? answer.substr(3) : "the desk refused");
    return s;
}

}  // namespace

void check_host_port(const std::string& hp) {
    try {
        make_addr(hp);
        return;
    } catch (const std::exception&) {  // stoi's invalid_argument and out_of_range too
    }
    throw std::invalid_argument("use HOST:PORT with an IPv4 address or localhost, e.g. 127.0.0.1:5900");
}

std::pair<std::string, int> split_host_port(const std::string& hp) {
    auto colon = hp.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("expected HOST:PORT, got " + hp);
    int port = std::stoi(hp.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::invalid_argument("bad port in " + hp);
    return {hp.substr(0, colon), port};
}

DirectListener::DirectListener(const std::string& host_port) {
    sockaddr_in a = make_addr(host_port);
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 8) != 0) {
        ::close(fd_);
        throw std::runtime_error("cannot listen on " + host_port);
    }
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
}

DirectListener::~DirectListener() { ::close(fd_); }

void DirectListener::cancel() {
    cancelled_ = true;
    ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
}

// Connections with a wrong code are answered "NO" and dropped; we keep waiting.
std::unique_ptr<SessionLink> DirectListener::accept(const std::string& code) {
    while (!cancelled_) {
        int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        no_delay(fd);
        auto s = session::make_fd_stream(fd);
        if (read_line(*s) == "TETHER-DIRECT " + code) {
            send_line(*s, "OK");
            return std::make_unique<MuxLink>(std::move(s), "", nullptr, "direct test link (no relay, no encryption)");
        }
        send_line(*s, "NO this code is not the one shown by the supporter");
    }
    return nullptr;
}

std::unique_ptr<SessionLink> direct_connect(const std::string& host_port, const std::string& code) {
    return std::make_unique<MuxLink>(open_socket(make_addr(host_port), code), "", nullptr,
                                     "direct test link to " + host_port + " (no relay, no encryption)");
}

}  // namespace screen

#include <random>

namespace screen {

std::unique_ptr<SessionLink> DirectClientConnector::connect(const std::string& code, const StatusFn& status) {
    status("connecting directly to " + host_port_ + " (test mode, no relay)");
    return direct_connect(host_port_, code);
}

std::unique_ptr<SessionLink> DirectDeskConnector::open(const CodeFn& on_code, const StatusFn& status) {
    DirectListener listener(host_port_);
    std::random_device rd;
    std::string code = std::to_string(100000 + rd() % 900000);
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (cancelled_) return nullptr;
        listener_ = &listener;
    }
    on_code(SessionCode{code});  // the listener has no expiry
    status("waiting for the customer (direct test mode on port " + std::to_string(listener.port()) + ")");
    auto link = listener.accept(code);
    std::lock_guard<std::mutex> lk(mu_);
    listener_ = nullptr;
    return link;
}

void DirectDeskConnector::cancel() {
    std::lock_guard<std::mutex> lk(mu_);
    cancelled_ = true;
    if (listener_) listener_->cancel();
}

}  // namespace screen
