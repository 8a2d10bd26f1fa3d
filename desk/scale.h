// Scaling the customer's picture into the desk window ("Fit"), readable:
// every destination pixel is the area-weighted average of the source
// pixels it covers (a box filter, done as two one-dimensional passes), so
// thin strokes of small text fade instead of vanishing as they did with
// nearest-neighbour sampling (issue 16: "root@vm" read "roo:@vrt").
// Enlarging gives the same weights, i.e. a linear blend between neighbours.
#pragma once

#include <cstdint>
#include <vector>

namespace desk {

// `src` is sw x sh RGB (3 bytes a pixel, rows without padding); `dst` is
// resized to dw x dh RGB. Sizes must be >= 1.
void scale_area(const std::vector<unsigned char>& src, int sw, int sh, std::vector<unsigned char>& dst, int dw,
                int dh);

}  // namespace desk
