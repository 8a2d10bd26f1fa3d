// Customer side: serves the screen as RFB (libvncserver) to one viewer over
// a ByteStream (the mux `rfb` channel). libvncserver talks to one end of a
// socketpair; the other end is pumped to the stream.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "screen/input_gate.h"
#include "screen/platform.h"
#include "tunnel/byte_stream.h"

namespace screen {

// How often the screen is grabbed and compared: 60 Hz keeps the update
// latency well under the 50 ms target; a grab+compare of 800x600 costs ~2 ms.
constexpr std::chrono::milliseconds kCaptureInterval{16};

class ScreenServer {
public:
    // Both are borrowed and must outlive serve().
    ScreenServer(Capture& capture, InputGate& gate) : capture_(capture), gate_(gate) {}

    // Blocks until the viewer leaves, the stream ends or stop() is called;
    // then closes `rfb`. Returns "" or why it ended abnormally.
    std::string serve(tunnel::ByteStream& rfb);
    // Any thread; serve() returns within one capture interval.
    void stop() { stop_ = true; }

private:
    Capture& capture_;
    InputGate& gate_;
    std::atomic<bool> stop_{false};
};

}  // namespace screen
