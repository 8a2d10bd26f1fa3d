// RFB pixel formats (RFC 6143 7.4) and the conversion from desktop::Frame's
// 0x00RRGGBB pixels to the format a viewer asked for with SetPixelFormat.
#pragma once

#include <cstdint>
#include <string>

namespace rfbserver {

// True colour only: every viewer we serve (libvncclient, TigerVNC) asks for
// it; a colour-map format is refused (ProtocolError) rather than guessed.
struct PixelFormat {
    int bits_per_pixel = 32;  // 8, 16 or 32
    int depth = 24;
    bool big_endian = false;
    bool true_colour = true;
    int red_max = 255, green_max = 255, blue_max = 255;
    int red_shift = 16, green_shift = 8, blue_shift = 0;
};

// desktop::Frame's own layout (32 bits, little endian, R at 16, G at 8, B at
// 0): what ServerInit announces, and what a viewer gets unless it asks.
PixelFormat frame_format();

// The 16 bytes of PIXEL_FORMAT on the wire, both ways.
constexpr std::size_t kPixelFormatBytes = 16;
void append_pixel_format(std::string& out, const PixelFormat& f);
PixelFormat read_pixel_format(const unsigned char* p);

// Empty if a viewer may use `f`, else why not (for the log).
std::string unsupported_reason(const PixelFormat& f);

// Converts 0x00RRGGBB to a viewer's pixel bytes. Each channel c (0-255)
// becomes (c * max + 127) / 255, the nearest level, then shifted: three
// 256-entry tables, so a pixel costs three loads and two ORs.
class PixelConverter {
public:
    explicit PixelConverter(const PixelFormat& f);
    std::uint32_t value(std::uint32_t rgb) const {
        return red_[(rgb >> 16) & 0xff] | green_[(rgb >> 8) & 0xff] | blue_[rgb & 0xff];
    }
    int bytes() const { return bytes_; }  // PIXEL: bits_per_pixel / 8
    // CPIXEL (ZRLE, RFC 6143 7.7.6): 3 bytes when a 32-bit true-colour pixel
    // keeps all its colour bits in its 3 low or 3 high bytes, else bytes().
    int cpixel_bytes() const { return cbytes_; }
    // Appends `value` as PIXEL (in the viewer's byte order) or as CPIXEL.
    void put(std::uint32_t value, std::string& out) const;
    void put_cpixel(std::uint32_t value, std::string& out) const;

private:
    std::uint32_t red_[256], green_[256], blue_[256];
    int bytes_;
    int cbytes_;
    bool big_endian_;
    bool cpixel_high_;  // CPIXEL is the 3 most significant bytes
};

}  // namespace rfbserver
