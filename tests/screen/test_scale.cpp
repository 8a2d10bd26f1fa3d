// Issue 16 item 5: the desk's Fit view averages areas (desk/scale.h), so a
// one-pixel stroke survives shrinking and solid areas stay exact. Known
// patterns, one row per case.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <numeric>

#include "scale.h"

namespace {

using Image = std::vector<unsigned char>;

Image make(int w, int h, const std::function<unsigned char(int x, int y)>& gray) {
    Image img(static_cast<std::size_t>(w) * h * 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) std::fill_n(&img[(static_cast<std::size_t>(y) * w + x) * 3], 3, gray(x, y));
    return img;
}

}  // namespace

TEST_CASE("area averaging: a one-pixel stroke stays visible, stripes turn gray, solid stays exact") {
    struct Row {
        int sw, sh, dw, dh;
    };
    auto row = GENERATE(Row{800, 600, 512, 384}, Row{800, 600, 1024, 658}, Row{800, 600, 333, 250},
                        Row{1920, 1080, 1024, 576});
    CAPTURE(row.sw, row.sh, row.dw, row.dh);
    Image out;

    // A vertical 1-pixel white line (a stroke of small text) on black.
    desk::scale_area(make(row.sw, row.sh, [&](int x, int) { return x == row.sw / 2 + 1 ? 255 : 0; }), row.sw, row.sh, out,
               row.dw, row.dh);
    REQUIRE(out.size() == static_cast<std::size_t>(row.dw) * row.dh * 3);
    double r = static_cast<double>(row.dw) / row.sw;
    int brightest = *std::max_element(out.begin(), out.begin() + row.dw * 3);
    CHECK(brightest >= std::min(255.0, 255 * r) / 2);  // nearest neighbour: 0 for some sizes
    long row_sum = std::accumulate(out.begin(), out.begin() + row.dw * 3, 0L) / 3;
    CHECK(std::abs(row_sum - 255 * r) <= 3);  // its light is kept, spread over neighbours

    // Alternating black and white columns: grays around the middle when shrinking.
    if (row.dw < row.sw) {
        desk::scale_area(make(row.sw, row.sh, [](int x, int) { return x % 2 ? 255 : 0; }), row.sw, row.sh, out, row.dw,
                   row.dh);
        auto [lo, hi] = std::minmax_element(out.begin(), out.end());
        CHECK(*lo >= 40);  // never a bare black or white column (nearest neighbour: only those)
        CHECK(*hi <= 215);
        double mean = std::accumulate(out.begin(), out.end(), 0.0) / out.size();
        CHECK(std::abs(mean - 127.5) <= 3);
    }

    // A solid color is exact everywhere.
    desk::scale_area(make(row.sw, row.sh, [](int, int) { return 0x5a; }), row.sw, row.sh, out, row.dw, row.dh);
    CHECK(std::all_of(out.begin(), out.end(), [](unsigned char c) { return c == 0x5a; }));
}

TEST_CASE("enlarging blends neighbours and keeps the corners") {
    Image out;
    desk::scale_area(make(2, 1, [](int x, int) { return x ? 200 : 0; }), 2, 1, out, 4, 1);
    CHECK(out[0] == 0);
    CHECK(out[9] == 200);
    desk::scale_area(make(3, 1, [](int x, int) { return x == 1 ? 255 : 0; }), 3, 1, out, 7, 1);
    CHECK(out[3 * 3] == 255);  // the middle of the middle pixel
}
