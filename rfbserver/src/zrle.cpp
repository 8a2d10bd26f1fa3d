// ZRLE (RFC 6143 7.7.6): 64x64 tiles, each written the smallest of five
// ways, all through one zlib stream per connection.
#include <algorithm>
#include <cstdint>

#include "rfbserver/encodings.h"
#include "wire/big_endian.h"

namespace rfbserver {
namespace {

constexpr int kTileEdge = 64;         // pixels, fixed by the RFC
constexpr std::size_t kMaxPalette = 127;  // palette RLE's limit (subencoding 130..255)

// What one tile looks like: its distinct values (up to kMaxPalette + 1,
// then counting stops) and its runs of equal pixels in scan order.
struct TileStats {
    std::vector<std::uint32_t> palette;
    std::size_t runs = 0;
    std::size_t run_length_bytes = 0;  // the (len-1) in 255s plus remainder, summed
    std::size_t single_runs = 0;       // runs of one pixel (palette RLE writes no length)
};

int palette_index(const std::vector<std::uint32_t>& pal, std::uint32_t v) {
    auto it = std::find(pal.begin(), pal.end(), v);
    return it == pal.end() ? -1 : static_cast<int>(it - pal.begin());
}

void count_run(TileStats& s, std::size_t len) {
    ++s.runs;
    s.run_length_bytes += (len - 1) / 255 + 1;
    if (len == 1) ++s.single_runs;
}

TileStats analyse(const std::vector<std::uint32_t>& v) {
    TileStats s;
    std::size_t run = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (s.palette.size() <= kMaxPalette && palette_index(s.palette, v[i]) < 0) s.palette.push_back(v[i]);
        if (i > 0 && v[i] != v[i - 1]) {
            count_run(s, run);
            run = 0;
        }
        ++run;
    }
    count_run(s, run);
    return s;
}

int packed_bits(std::size_t colours) { return colours <= 2 ? 1 : colours <= 4 ? 2 : 4; }

void put_run_length(std::size_t len, std::string& out) {
    for (len -= 1; len >= 255; len -= 255) out += static_cast<char>(255);
    out += static_cast<char>(len);
}

void write_packed(const std::vector<std::uint32_t>& v, const TileStats& s, int w, const PixelConverter& pc,
                  std::string& out) {
    out += static_cast<char>(s.palette.size());
    for (std::uint32_t c : s.palette) pc.put_cpixel(c, out);
    int bits = packed_bits(s.palette.size());
    for (std::size_t row = 0; row < v.size() / w; ++row) {
        unsigned acc = 0;
        int used = 0;
        for (int x = 0; x < w; ++x) {
            acc = (acc << bits) | static_cast<unsigned>(palette_index(s.palette, v[row * w + x]));
            used += bits;
            if (used == 8) {
                out += static_cast<char>(acc);
                acc = 0;
                used = 0;
            }
        }
        if (used) out += static_cast<char>(acc << (8 - used));  // rows end on a byte
    }
}

// Calls emit(value, length) for each run of equal pixels in scan order.
template <class Emit> void for_each_run(const std::vector<std::uint32_t>& v, Emit emit) {
    std::size_t start = 0;
    for (std::size_t i = 1; i <= v.size(); ++i)
        if (i == v.size() || v[i] != v[start]) {
            emit(v[start], i - start);
            start = i;
        }
}

void write_plain_rle(const std::vector<std::uint32_t>& v, const PixelConverter& pc, std::string& out) {
    out += static_cast<char>(128);
    for_each_run(v, [&](std::uint32_t c, std::size_t len) {
        pc.put_cpixel(c, out);
        put_run_length(len, out);
    });
}

void write_palette_rle(const std::vector<std::uint32_t>& v, const TileStats& s, const PixelConverter& pc,
                       std::string& out) {
    out += static_cast<char>(128 + s.palette.size());
    for (std::uint32_t c : s.palette) pc.put_cpixel(c, out);
    for_each_run(v, [&](std::uint32_t c, std::size_t len) {
        int idx = palette_index(s.palette, c);
        if (len == 1) return void(out += static_cast<char>(idx));
        out += static_cast<char>(idx | 128);
        put_run_length(len, out);
    });
}

void write_raw(const std::vector<std::uint32_t>& v, const PixelConverter& pc, std::string& out) {
    out += '\0';
    for (std::uint32_t c : v) pc.put_cpixel(c, out);
}

// Picks the subencoding with the fewest bytes before compression.
void write_tile(const std::vector<std::uint32_t>& v, int w, const PixelConverter& pc, std::string& out) {
    TileStats s = analyse(v);
    std::size_t cb = static_cast<std::size_t>(pc.cpixel_bytes()), n = s.palette.size();
    if (n == 1) {
        out += static_cast<char>(1);
        return pc.put_cpixel(v[0], out);
    }
    std::size_t rows = v.size() / w;
    std::size_t raw = v.size() * cb;
    std::size_t plain = s.runs * cb + s.run_length_bytes;
    std::size_t packed = n <= 16 ? n * cb + rows * ((w * packed_bits(n) + 7) / 8) : SIZE_MAX;
    std::size_t pal_rle = n <= kMaxPalette ? n * cb + s.runs + s.run_length_bytes - s.single_runs : SIZE_MAX;
    std::size_t best = std::min({raw, plain, packed, pal_rle});
    if (best == packed) write_packed(v, s, w, pc, out);
    else if (best == pal_rle) write_palette_rle(v, s, pc, out);
    else if (best == plain) write_plain_rle(v, pc, out);
    else write_raw(v, pc, out);
}

}  // namespace

void ZrleEncoder::encode(const desktop::Frame& f, desktop::Rect r, const PixelConverter& pc, std::string& out) {
    tiles_.clear();
    for (int ty = r.y; ty < r.y + r.h; ty += kTileEdge)
        for (int tx = r.x; tx < r.x + r.w; tx += kTileEdge) {
            int w = std::min(kTileEdge, r.x + r.w - tx), h = std::min(kTileEdge, r.y + r.h - ty);
            values_.clear();
            for (int y = ty; y < ty + h; ++y)
                for (int x = tx; x < tx + w; ++x) values_.push_back(pc.value(f.at(x, y)));
            write_tile(values_, w, pc, tiles_);
        }
    std::string z;
    z_.compress(tiles_, z);
    wire::append_be(out, z.size(), 4);
    out += z;
}

}  // namespace rfbserver
