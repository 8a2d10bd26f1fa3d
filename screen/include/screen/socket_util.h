// Small socket helpers shared by the libvnc adapters.
#pragma once

#include <utility>

namespace screen {

// A connected AF_UNIX stream socketpair. Throws std::runtime_error if it
// cannot be made or if an fd is >= 1024 (libvnc uses select()).
std::pair<int, int> make_socketpair();

// Throws std::runtime_error if fd >= FD_SETSIZE (closes it first).
void check_select_fd(int fd);

// Quiets libvncserver/libvncclient's global loggers unless TETHER_VNC_DEBUG
// is set in the environment (they print to stderr by default).
void quiet_libvnc_logs();

}  // namespace screen
