// A ByteStream over a POSIX socket: the platform part of session/, built
// on Linux and macOS only (Windows sockets are a backend of their own).
#pragma once

#include <memory>

#include "session/byte_stream.h"

namespace session {

// A ByteStream over a connected socket or socketpair end. Takes ownership of
// `fd` (closed by the destructor).
std::unique_ptr<ByteStream> make_fd_stream(int fd);

}  // namespace session
