#include "connection_fd.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstdlib>
#include <string>

namespace relay {
namespace {

// "host", port of a socket address (IPv4 or IPv6), as httplib formats them.
bool address_of(const sockaddr_storage& sa, std::string& host, int& port) {
    char buf[INET6_ADDRSTRLEN] = {0};
    if (sa.ss_family == AF_INET) {
        auto* in = reinterpret_cast<const sockaddr_in*>(&sa);
        inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
        port = ntohs(in->sin_port);
    } else if (sa.ss_family == AF_INET6) {
        auto* in6 = reinterpret_cast<const sockaddr_in6*>(&sa);
        inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
        port = ntohs(in6->sin6_port);
    } else {
        return false;
    }
    host = buf;
    return true;
}

bool matches(int fd, const httplib::Request& req) {
    sockaddr_storage local{}, remote{};
    socklen_t llen = sizeof local, rlen = sizeof remote;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0) return false;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &rlen) != 0) return false;
    std::string lhost, rhost;
    int lport = 0, rport = 0;
    return address_of(local, lhost, lport) && address_of(remote, rhost, rport) && lport == req.local_port &&
           rport == req.remote_port && rhost == req.remote_addr;
}

// Plain HTTP: scan our own descriptors once per stream request.
int find_by_address(const httplib::Request& req) {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return -1;
    int found = -1;
    while (dirent* e = readdir(dir)) {
        const int fd = std::atoi(e->d_name);
        if (e->d_name[0] != '.' && fd != dirfd(dir) && matches(fd, req)) {
            found = fd;
            break;
        }
    }
    closedir(dir);
    return found;
}

}  // namespace

int connection_fd(const httplib::Request& req) {
    if (req.ssl) return SSL_get_fd(req.ssl);
    return find_by_address(req);
}

bool peer_hung_up(int fd) {
    if (fd < 0) return false;
    pollfd p{fd, POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

}  // namespace relay
