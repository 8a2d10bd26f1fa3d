// Customer side: serves the screen as RFB (libvncserver) to one viewer over
// a ByteStream (the mux `rfb` channel). libvncserver talks to one end of a
// socketpair; the other end is pumped to the stream.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "desktop/input_gate.h"
#include "desktop/platform.h"
#include "session/byte_stream.h"

namespace screen {

// Without change notifications the screen is grabbed and compared this
// often: 60 Hz keeps the update latency well under the 50 ms target; a
// grab+compare of 800x600 costs ~2 ms. With notifications (XDamage) it is
// the upper bound between a change and its grab (a safety net).
constexpr std::chrono::milliseconds kCaptureInterval{16};
// The pointer's position and shape are polled this often (no damage event
// tells about them): 30 ms looks fluid for a pointer someone else moves.
constexpr std::chrono::milliseconds kPointerInterval{30};
// With notifications, a grab this often anyway (in case one was missed).
constexpr std::chrono::milliseconds kSafetyInterval{1000};
// With notifications, the shortest time between two grabs: a burst of
// drawing is sent as one update instead of many small ones.
constexpr std::chrono::milliseconds kMinGrabGap{4};

class ScreenServer {
public:
    // Both are borrowed and must outlive serve().
    ScreenServer(desktop::Capture& capture, desktop::InputGate& gate) : capture_(capture), gate_(gate) {}

    // Blocks until the viewer leaves, the stream ends or stop() is called;
    // then closes `rfb`. Returns "" or why it ended abnormally.
    std::string serve(session::ByteStream& rfb);
    // Any thread; serve() returns within one capture interval.
    void stop() { stop_ = true; }

private:
    void loop(void* screen, int vnc_fd, desktop::Frame& fb, desktop::Frame& scratch);

    desktop::Capture& capture_;
    desktop::InputGate& gate_;
    std::atomic<bool> stop_{false};
};

}  // namespace screen
