// RFB pointer events to Windows mouse input, the portable half of the
// SendInput injector (tested on Linux): which button and wheel events a
// change of the RFB button mask means, and absolute coordinates in the
// 0..65535 range of MOUSEEVENTF_ABSOLUTE.
#pragma once

#include <vector>

namespace wininput {

// One SendInput mouse event besides the move (MOUSEEVENTF_*DOWN/UP, WHEEL, HWHEEL).
struct MouseButton {
    enum class Kind { left_down, left_up, middle_down, middle_up, right_down, right_up, wheel, hwheel } kind;
    int delta = 0;  // wheel and hwheel: +-WHEEL_DELTA (120) per notch; + is up / right
    bool operator==(const MouseButton& o) const { return kind == o.kind && delta == o.delta; }
};

// The events between two RFB button masks (bit 0 left, 1 middle, 2 right,
// 3/4 wheel up/down, 5/6 wheel left/right). A wheel bit is a notch when it
// goes down; its release is nothing on Windows.
std::vector<MouseButton> button_changes(int old_mask, int new_mask);

// The MOUSEEVENTF_ABSOLUTE coordinate that Windows maps back to `pixel`
// (it takes floor(n * extent / 65536) + origin) on an axis of the virtual
// screen starting at `origin`, `extent` pixels long; clamped to the screen.
int normalized(int pixel, int origin, int extent);

}  // namespace wininput
