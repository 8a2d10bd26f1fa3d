#include "rfbserver/pixel_format.h"

#include "wire/big_endian.h"

namespace rfbserver {

PixelFormat frame_format() { return PixelFormat{}; }

// PIXEL_FORMAT: bpp, depth, big-endian, true-colour (u8 each), the three
// maxima (u16), the three shifts (u8), 3 bytes of padding.
void append_pixel_format(std::string& out, const PixelFormat& f) {
    wire::append_be(out, f.bits_per_pixel, 1);
    wire::append_be(out, f.depth, 1);
    wire::append_be(out, f.big_endian ? 1 : 0, 1);
    wire::append_be(out, f.true_colour ? 1 : 0, 1);
    wire::append_be(out, f.red_max, 2);
    wire::append_be(out, f.green_max, 2);
    wire::append_be(out, f.blue_max, 2);
    wire::append_be(out, f.red_shift, 1);
    wire::append_be(out, f.green_shift, 1);
    wire::append_be(out, f.blue_shift, 1);
    out.append(3, '\0');
}

PixelFormat read_pixel_format(const unsigned char* p) {
    PixelFormat f;
    f.bits_per_pixel = p[0];
    f.depth = p[1];
    f.big_endian = p[2] != 0;
    f.true_colour = p[3] != 0;
    f.red_max = static_cast<int>(wire::get_be(p + 4, 2));
    f.green_max = static_cast<int>(wire::get_be(p + 6, 2));
    f.blue_max = static_cast<int>(wire::get_be(p + 8, 2));
    f.red_shift = p[10];
    f.green_shift = p[11];
    f.blue_shift = p[12];
    return f;
}

namespace {

bool channel_fits(int max, int shift, int bits) {
    if (max < 1 || shift >= bits) return false;
    return (static_cast<std::uint64_t>(max) << shift) < (std::uint64_t{1} << bits);
}

std::uint32_t colour_bits(const PixelFormat& f) {
    return (static_cast<std::uint32_t>(f.red_max) << f.red_shift) |
           (static_cast<std::uint32_t>(f.green_max) << f.green_shift) |
           (static_cast<std::uint32_t>(f.blue_max) << f.blue_shift);
}

}  // namespace

std::string unsupported_reason(const PixelFormat& f) {
    if (!f.true_colour) return "colour-map pixel formats are not supported";
    int b = f.bits_per_pixel;
    if (b != 8 && b != 16 && b != 32) return "bits per pixel must be 8, 16 or 32";
    if (!channel_fits(f.red_max, f.red_shift, b) || !channel_fits(f.green_max, f.green_shift, b) ||
        !channel_fits(f.blue_max, f.blue_shift, b))
        return "a colour channel does not fit in the pixel";
    return "";
}

PixelConverter::PixelConverter(const PixelFormat& f)
    : bytes_(f.bits_per_pixel / 8), cbytes_(bytes_), big_endian_(f.big_endian), cpixel_high_(false) {
    for (std::uint32_t c = 0; c < 256; ++c) {
        red_[c] = ((c * f.red_max + 127) / 255) << f.red_shift;
        green_[c] = ((c * f.green_max + 127) / 255) << f.green_shift;
        blue_[c] = ((c * f.blue_max + 127) / 255) << f.blue_shift;
    }
    std::uint32_t bits = colour_bits(f);
    if (f.bits_per_pixel == 32 && f.depth <= 24 && ((bits & 0xff000000u) == 0 || (bits & 0xffu) == 0)) {
        cbytes_ = 3;
        cpixel_high_ = (bits & 0xff000000u) != 0;
    }
}

void PixelConverter::put(std::uint32_t v, std::string& out) const {
    unsigned char b[4];
    if (big_endian_) wire::put_be(b, v, bytes_);
    else
        for (int i = 0; i < bytes_; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    out.append(reinterpret_cast<const char*>(b), static_cast<std::size_t>(bytes_));
}

// The 3 bytes that hold the colour, in the viewer's byte order: the low
// three come first in little endian and last in big endian.
void PixelConverter::put_cpixel(std::uint32_t v, std::string& out) const {
    if (cbytes_ != 3) return put(v, out);
    unsigned char b[4];
    if (big_endian_) wire::put_be(b, v, 4);
    else
        for (int i = 0; i < 4; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
    bool skip_first = cpixel_high_ != big_endian_;
    out.append(reinterpret_cast<const char*>(b + (skip_first ? 1 : 0)), 3);
}

}  // namespace rfbserver
