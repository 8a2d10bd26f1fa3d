// Change detection by tile comparison: platform independent, works with any
// Capture. Cost: one memcmp per tile row per grab (~2 MB for 800x600).
#pragma once

#include <functional>

#include "desktop/platform.h"

namespace desktop {

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
};

// Tile edge in pixels: small enough that a blinking caret sends little,
// large enough that the rect list stays short.
constexpr int kTile = 32;

// Copies every tile of `next` that differs from `cur` into `cur` (same size)
// and reports the changed areas, horizontally adjacent tiles merged.
// Returns the number of changed tiles.
int update_changed_tiles(Frame& cur, const Frame& next, const std::function<void(Rect)>& mark);

}  // namespace desktop
