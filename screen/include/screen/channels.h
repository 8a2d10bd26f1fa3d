// The channels a screen session uses. In production they are mux channels
// of the end-to-end secure session (tunnel::Mux::channel(Channel::control)
// and Channel::rfb); in tests, a make_stream_pair() or the direct link.
#pragma once

#include "tunnel/byte_stream.h"

namespace screen {

// Borrowed streams; they outlive the session that uses them.
struct Channels {
    tunnel::ByteStream& control;
    tunnel::ByteStream& rfb;
};

}  // namespace screen
