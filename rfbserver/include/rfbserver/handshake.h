// The RFB opening (RFC 6143 7.1-7.3) on the server's side: version, the one
// security type None, ClientInit, ServerInit. None is right here: the rfb
// channel runs inside the end-to-end channel (secure/, Noise), which has
// already authenticated and encrypts every byte.
#pragma once

#include <string>

#include "rfbserver/pixel_format.h"
#include "session/byte_stream.h"

namespace rfbserver {

struct ServerInit {
    int width = 0, height = 0;  // pixels
    PixelFormat format;         // the server's own (frame_format())
    std::string name;           // shown by viewers as the desktop's name
};

// Runs the opening as the version the viewer picked (3.3, 3.7 or 3.8; a
// viewer's version above 3.8 is answered as 3.8). Blocks on `s`. Throws
// ProtocolError on a malformed version, session::StreamError when the
// stream fails; returns false if the viewer closed before the end.
bool server_handshake(session::ByteStream& s, const ServerInit& init);

}  // namespace rfbserver
