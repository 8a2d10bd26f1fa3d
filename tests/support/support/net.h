// Loopback networking helpers for tests.
#pragma once

#include <chrono>

#include <netinet/in.h>

namespace test_support {

// 127.0.0.1:`port` as a socket address (port 0: any free port, for bind).
sockaddr_in loopback(int port);

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and
// released). Another process may take it meanwhile: use it right away.
int free_port();

// True once something accepts TCP connections on 127.0.0.1:`port`, false
// after `timeout`. Retries every 20 ms: only for daemons that cannot tell us
// when they are ready.
bool wait_for_port(int port, std::chrono::milliseconds timeout);

}  // namespace test_support
