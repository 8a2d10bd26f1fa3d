// The customer's Windows screen as a desktop::Capture: GDI, whole virtual
// screen (every monitor), at the monitors' physical resolution.
#pragma once

#include <memory>

#include "desktop/platform.h"

namespace windesktop {

// Grabs with BitBlt from the screen DC into a 32-bit top-down DIB section,
// whose memory is already desktop::Frame's layout (B, G, R, X bytes).
// Frame (0, 0) is the virtual screen's top-left corner (SM_XVIRTUALSCREEN,
// SM_YVIRTUALSCREEN), so an injector maps frame coordinates with
// MOUSEEVENTF_VIRTUALDESK. There is no change notification (change_fd() is
// -1): the server compares tiles after each grab. The pointer comes from
// GetCursorInfo (position) and GetIconInfo (shape, when the handle changes).
// Calls make_process_dpi_aware() first.
//
// DXGI Desktop Duplication (IDXGIOutputDuplication) would hand over dirty
// rectangles and cost less on a real GPU; wine 8 does not implement it, so
// the one path we can test is GDI, which every Windows has.
std::unique_ptr<desktop::Capture> make_gdi_capture();

}  // namespace windesktop
