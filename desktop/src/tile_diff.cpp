#include "desktop/tile_diff.h"

#include <algorithm>
#include <cstring>

namespace desktop {
namespace {

std::size_t offset(const Frame& f, int x, int y) { return static_cast<std::size_t>(y) * f.width + x; }

bool tile_differs(const Frame& a, const Frame& b, const Rect& r) {
    for (int y = r.y; y < r.y + r.h; ++y)
        if (std::memcmp(&a.pixels[offset(a, r.x, y)], &b.pixels[offset(b, r.x, y)], r.w * 4u) != 0)
            return true;
    return false;
}

void copy_rect(Frame& dst, const Frame& src, const Rect& r) {
    for (int y = r.y; y < r.y + r.h; ++y)
        std::memcpy(&dst.pixels[offset(dst, r.x, y)], &src.pixels[offset(src, r.x, y)], r.w * 4u);
}

Rect tile_at(const Frame& f, int tx, int ty) {
    Rect r{tx * kTile, ty * kTile, kTile, kTile};
    r.w = std::min(r.w, f.width - r.x);
    r.h = std::min(r.h, f.height - r.y);
    return r;
}

bool row_differs(const Frame& a, const Frame& b, const Rect& r, int y) {
    return std::memcmp(&a.pixels[offset(a, r.x, y)], &b.pixels[offset(b, r.x, y)], r.w * 4u) != 0;
}

bool column_differs(const Frame& a, const Frame& b, const Rect& r, int x) {
    for (int y = r.y; y < r.y + r.h; ++y)
        if (a.pixels[offset(a, x, y)] != b.pixels[offset(b, x, y)]) return true;
    return false;
}

// Shrinks a changed area to the bounding box of the pixels that changed:
// a caret or a typed letter then costs its own size, not whole tiles.
Rect exact_bounds(const Frame& a, const Frame& b, Rect r) {
    while (r.h > 1 && !row_differs(a, b, r, r.y)) ++r.y, --r.h;
    while (r.h > 1 && !row_differs(a, b, r, r.y + r.h - 1)) --r.h;
    while (r.w > 1 && !column_differs(a, b, r, r.x)) ++r.x, --r.w;
    while (r.w > 1 && !column_differs(a, b, r, r.x + r.w - 1)) --r.w;
    return r;
}

}  // namespace

int update_changed_tiles(Frame& cur, const Frame& next, const std::function<void(Rect)>& mark) {
    int changed = 0;
    int tiles_x = (cur.width + kTile - 1) / kTile, tiles_y = (cur.height + kTile - 1) / kTile;
    for (int ty = 0; ty < tiles_y; ++ty) {
        Rect run;  // current run of changed tiles in this tile row (w == 0: none)
        for (int tx = 0; tx <= tiles_x; ++tx) {
            bool diff = tx < tiles_x && tile_differs(cur, next, tile_at(cur, tx, ty));
            if (diff) {
                Rect t = tile_at(cur, tx, ty);
                ++changed;
                if (run.w == 0) run = t;
                else run.w += t.w;
            } else if (run.w > 0) {
                Rect exact = exact_bounds(cur, next, run);
                copy_rect(cur, next, exact);
                mark(exact);
                run = Rect{};
            }
        }
    }
    return changed;
}

}  // namespace desktop
