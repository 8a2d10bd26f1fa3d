// The rectangle encodings the server writes (RFC 6143 7.7, 7.8) in the
// viewer's pixel format: Raw, Zlib, ZRLE and the rich cursor. No I/O: each
// appends bytes to a string, so the table tests compare them to what
// libvncclient decodes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <zlib.h>

#include "desktop/platform.h"
#include "desktop/tile_diff.h"
#include "rfbserver/pixel_format.h"

namespace rfbserver {

// Encoding numbers of RFC 6143 7.7/7.8 (negative: pseudo-encodings).
enum Encoding : std::int32_t {
    kRaw = 0,
    kZlib = 6,
    kZrle = 16,
    kRichCursor = -239,
    kPointerPos = -232,
    kDesktopSize = -223,
    kCompressLevel0 = -256,  // -256..-247: the viewer's zlib level 0..9
    kCompressLevel9 = -247,
};

// Raw: the pixels of `r`, row by row, as PIXELs.
void encode_raw(const desktop::Frame& f, desktop::Rect r, const PixelConverter& pc, std::string& out);

// One zlib stream for a whole connection: the viewer keeps one inflater per
// encoding, so each rectangle ends with a sync flush, never a stream end.
class Deflater {
public:
    explicit Deflater(int level);
    ~Deflater();
    Deflater(const Deflater&) = delete;
    Deflater& operator=(const Deflater&) = delete;
    // Takes effect from the next compress() on (the viewer's CompressLevel).
    void set_level(int level);
    // Appends the compressed `in`, flushed to a byte boundary, to `out`.
    void compress(const std::string& in, std::string& out);

private:
    z_stream zs_{};
    int level_;
    bool level_changed_ = false;
};

// Zlib (encoding 6): u32 length, then the Raw pixels through the Deflater.
class ZlibEncoder {
public:
    explicit ZlibEncoder(int level) : z_(level) {}
    void set_level(int level) { z_.set_level(level); }
    void encode(const desktop::Frame& f, desktop::Rect r, const PixelConverter& pc, std::string& out);

private:
    Deflater z_;
    std::string raw_;  // reused between rectangles
};

// ZRLE (encoding 16): u32 length, then 64x64 tiles through the Deflater,
// each as the smallest of solid, packed palette, plain RLE, palette RLE or
// raw CPIXELs.
class ZrleEncoder {
public:
    explicit ZrleEncoder(int level) : z_(level) {}
    void set_level(int level) { z_.set_level(level); }
    void encode(const desktop::Frame& f, desktop::Rect r, const PixelConverter& pc, std::string& out);

private:
    Deflater z_;
    std::string tiles_;
    std::vector<std::uint32_t> values_;  // one tile in the viewer's pixel values
};

// Rich cursor (pseudo-encoding -239) after its rectangle header: the
// shape's pixels as PIXELs, then a 1-bit mask (rows padded to a byte, most
// significant bit first) where alpha >= 128 is opaque.
void encode_rich_cursor(const desktop::PointerShape& s, const PixelConverter& pc, std::string& out);

}  // namespace rfbserver
