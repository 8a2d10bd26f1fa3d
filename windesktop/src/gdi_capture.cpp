#include <cstring>

#include <windows.h>

#include "cursor_shape.h"
#include "windesktop/capture.h"
#include "windesktop/dpi.h"

namespace windesktop {
namespace {

struct Screen {
    int x = 0, y = 0, width = 0, height = 0;  // the virtual screen, physical pixels
};

Screen virtual_screen() {
    return Screen{GetSystemMetrics(SM_XVIRTUALSCREEN), GetSystemMetrics(SM_YVIRTUALSCREEN),
                  GetSystemMetrics(SM_CXVIRTUALSCREEN), GetSystemMetrics(SM_CYVIRTUALSCREEN)};
}

// A memory DC with a 32-bit top-down DIB section selected: BitBlt's target,
// kept between grabs and remade when the screen's size changes.
class DibTarget {
public:
    ~DibTarget() { release(); }
    bool ensure(int w, int h) {
        if (w == w_ && h == h_ && dc_) return true;
        release();
        BITMAPINFO bi{};
        bi.bmiHeader.biSize = sizeof bi.bmiHeader;
        bi.bmiHeader.biWidth = w;
        bi.bmiHeader.biHeight = -h;  // top-down: row 0 first, like Frame
        bi.bmiHeader.biPlanes = 1;
        bi.bmiHeader.biBitCount = 32;
        bi.bmiHeader.biCompression = BI_RGB;
        dc_ = CreateCompatibleDC(nullptr);
        bmp_ = CreateDIBSection(dc_, &bi, DIB_RGB_COLORS, &bits_, nullptr, 0);
        if (!dc_ || !bmp_) return release(), false;
        old_ = SelectObject(dc_, bmp_);
        w_ = w;
        h_ = h;
        return true;
    }
    HDC dc() const { return dc_; }
    const std::uint32_t* pixels() const { return static_cast<const std::uint32_t*>(bits_); }

private:
    void release() {
        if (dc_ && old_) SelectObject(dc_, old_);
        if (bmp_) DeleteObject(bmp_);
        if (dc_) DeleteDC(dc_);
        dc_ = nullptr;
        bmp_ = nullptr;
        old_ = nullptr;
        bits_ = nullptr;
        w_ = h_ = 0;
    }
    HDC dc_ = nullptr;
    HBITMAP bmp_ = nullptr;
    HGDIOBJ old_ = nullptr;
    void* bits_ = nullptr;
    int w_ = 0, h_ = 0;
};

class GdiCapture : public desktop::Capture {
public:
    int width() const override { return virtual_screen().width; }
    int height() const override { return virtual_screen().height; }

    // CAPTUREBLT: layered windows (tooltips, menus with shadows) are in the
    // picture too. The 4th byte GDI leaves undefined is cleared, since
    // Frame's pixels are 0x00RRGGBB.
    bool grab(desktop::Frame& dst) override {
        screen_ = virtual_screen();
        if (screen_.width <= 0 || screen_.height <= 0 || !dib_.ensure(screen_.width, screen_.height)) return false;
        HDC screen_dc = GetDC(nullptr);
        BOOL ok = BitBlt(dib_.dc(), 0, 0, screen_.width, screen_.height, screen_dc, screen_.x, screen_.y,
                         SRCCOPY | CAPTUREBLT);
        ReleaseDC(nullptr, screen_dc);
        if (!ok) return false;  // e.g. the secure desktop (UAC, lock screen) is showing
        GdiFlush();
        dst.width = screen_.width;
        dst.height = screen_.height;
        dst.pixels.resize(static_cast<std::size_t>(screen_.width) * screen_.height);
        const std::uint32_t* src = dib_.pixels();
        for (std::size_t i = 0; i < dst.pixels.size(); ++i) dst.pixels[i] = src[i] & 0xffffffu;
        return true;
    }

    bool cursor_shape(desktop::PointerShape& out) override {
        CURSORINFO ci{};
        ci.cbSize = sizeof ci;
        if (!GetCursorInfo(&ci)) return false;
        HCURSOR shown = (ci.flags & CURSOR_SHOWING) ? ci.hCursor : nullptr;
        if (shown == last_cursor_ && have_shape_) return false;
        last_cursor_ = shown;
        have_shape_ = true;
        if (shown && read_cursor_shape(shown, out)) return true;
        out = desktop::PointerShape{1, 1, 0, 0, {0}};  // hidden: one transparent pixel
        return true;
    }

    bool pointer_position(int& x, int& y) override {
        POINT p{};
        if (!GetCursorPos(&p)) return false;
        Screen s = virtual_screen();
        x = p.x - s.x;
        y = p.y - s.y;
        return true;
    }

private:
    DibTarget dib_;
    Screen screen_;
    HCURSOR last_cursor_ = nullptr;
    bool have_shape_ = false;
};

}  // namespace

std::unique_ptr<desktop::Capture> make_gdi_capture() {
    make_process_dpi_aware();
    return std::make_unique<GdiCapture>();
}

}  // namespace windesktop
