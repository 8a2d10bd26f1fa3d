// The pointer's shape from a cursor handle, as desktop::PointerShape.
#pragma once

#include <windows.h>

#include "desktop/platform.h"

namespace windesktop {

// Reads `cursor` with GetIconInfo and GetDIBits. Colour cursors keep their
// alpha (or, without one, the AND mask's opacity); monochrome cursors
// become black and white, and their inverting pixels (an I-beam's)
// black: a rich cursor cannot invert what is under it. False if the
// handle cannot be read.
bool read_cursor_shape(HCURSOR cursor, desktop::PointerShape& out);

}  // namespace windesktop
