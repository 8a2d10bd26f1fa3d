#include "cursor_shape.h"

#include <vector>

namespace windesktop {
namespace {

// The bitmap's pixels as 32-bit top-down 0xAARRGGBB rows.
bool bitmap_pixels(HBITMAP bm, int& w, int& h, std::vector<std::uint32_t>& px) {
    BITMAP info{};
    if (!GetObject(bm, sizeof info, &info)) return false;
    w = info.bmWidth;
    h = info.bmHeight;
    BITMAPINFO bi{};
    bi.bmiHeader.biSize = sizeof bi.bmiHeader;
    bi.bmiHeader.biWidth = w;
    bi.bmiHeader.biHeight = -h;  // top-down
    bi.bmiHeader.biPlanes = 1;
    bi.bmiHeader.biBitCount = 32;
    bi.bmiHeader.biCompression = BI_RGB;
    px.assign(static_cast<std::size_t>(w) * h, 0);
    HDC dc = GetDC(nullptr);
    int rows = GetDIBits(dc, bm, 0, static_cast<UINT>(h), px.data(), &bi, DIB_RGB_COLORS);
    ReleaseDC(nullptr, dc);
    return rows == h;
}

bool any_alpha(const std::vector<std::uint32_t>& px) {
    for (std::uint32_t p : px)
        if (p >> 24) return true;
    return false;
}

// Colour cursor: its pixels, opaque where the AND mask is black when the
// colour bitmap carries no alpha.
void colour_shape(std::vector<std::uint32_t> colour, const std::vector<std::uint32_t>& mask, desktop::PointerShape& out) {
    if (!any_alpha(colour))
        for (std::size_t i = 0; i < colour.size(); ++i)
            colour[i] = (colour[i] & 0xffffff) | ((mask[i] & 0xffffff) ? 0 : 0xff000000u);
    out.argb = std::move(colour);
}

// Monochrome: the mask bitmap is twice as high, AND half on top, XOR half
// below. AND 0: opaque, XOR picks white or black; AND 1, XOR 1: inverts
// (drawn black); AND 1, XOR 0: transparent.
void mono_shape(const std::vector<std::uint32_t>& mask, int w, int h, desktop::PointerShape& out) {
    out.argb.assign(static_cast<std::size_t>(w) * h, 0);
    for (std::size_t i = 0; i < out.argb.size(); ++i) {
        bool and_bit = (mask[i] & 0xffffff) != 0, xor_bit = (mask[i + out.argb.size()] & 0xffffff) != 0;
        if (!and_bit) out.argb[i] = xor_bit ? 0xffffffffu : 0xff000000u;
        else if (xor_bit) out.argb[i] = 0xff000000u;
    }
}

}  // namespace

bool read_cursor_shape(HCURSOR cursor, desktop::PointerShape& out) {
    ICONINFO ii{};
    if (!cursor || !GetIconInfo(cursor, &ii)) return false;
    int w = 0, h = 0, cw = 0, ch = 0;
    std::vector<std::uint32_t> mask, colour;
    bool ok = bitmap_pixels(ii.hbmMask, w, h, mask);
    if (ok && ii.hbmColor) ok = bitmap_pixels(ii.hbmColor, cw, ch, colour) && cw == w && ch == h;
    if (ok) {
        out.xhot = static_cast<int>(ii.xHotspot);
        out.yhot = static_cast<int>(ii.yHotspot);
        out.width = w;
        out.height = ii.hbmColor ? h : h / 2;
        if (ii.hbmColor) colour_shape(std::move(colour), mask, out);
        else mono_shape(mask, w, out.height, out);
    }
    if (ii.hbmMask) DeleteObject(ii.hbmMask);
    if (ii.hbmColor) DeleteObject(ii.hbmColor);
    return ok;
}

}  // namespace windesktop
