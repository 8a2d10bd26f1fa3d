#include "screen/socket_util.h"

#include <cstdarg>
#include <cstdlib>
#include <stdexcept>

#include <rfb/rfb.h>
#include <rfb/rfbclient.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

namespace screen {

void check_select_fd(int fd) {
    if (fd < FD_SETSIZE) return;
    ::close(fd);
    throw std::runtime_error("too many open files for libvnc (fd >= 1024)");
}

std::pair<int, int> make_socketpair() {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        throw std::runtime_error("socketpair failed");
    if (sv[0] >= FD_SETSIZE || sv[1] >= FD_SETSIZE) {
        ::close(sv[1]);
        check_select_fd(sv[0]);
        throw std::runtime_error("too many open files for libvnc (fd >= 1024)");
    }
    return {sv[0], sv[1]};
}

namespace {
void no_log(const char*, ...) {}
}  // namespace

void quiet_libvnc_logs() {
    if (std::getenv("TETHER_VNC_DEBUG")) return;
    rfbLog = no_log;
    rfbErr = no_log;
    rfbClientLog = no_log;
    rfbClientErr = no_log;
}

}  // namespace screen
