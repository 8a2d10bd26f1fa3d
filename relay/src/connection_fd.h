// The socket under an httplib request, to notice a peer that closed its end
// of a streaming response: sink.is_writable() cannot (LIBRARY-NOTES: it
// stays true after a TLS close_notify in 0.11.4). Internal to relay/.
#pragma once

#include <httplib.h>

namespace relay {

// SSL_get_fd() for TLS; for plain HTTP the process's socket whose local and
// remote addresses are the request's. -1 if not found.
int connection_fd(const httplib::Request& req);
// The peer closed or reset the connection (POLLRDHUP/POLLHUP/POLLERR); never blocks.
bool peer_hung_up(int fd);

}  // namespace relay
