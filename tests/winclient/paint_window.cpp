// paint_window.exe X Y W H SEED: a borderless, topmost Win32 window at
// (X, Y), W x H pixels, painted with a known pattern from SEED (colour
// bands and a checkerboard, no anti-aliasing, so every pixel is exact);
// stays until killed. The e2e.winclient.screen test draws with it on the
// wine desktop and expects the same pixels in the desk's picture.
#include <windows.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

int g_w = 0, g_h = 0, g_seed = 0;

std::uint32_t pattern(int x, int y) {
    static const std::uint32_t kColours[] = {0xd03020, 0x20a040, 0x2050d0, 0xf0e010, 0x101010, 0xfafafa, 0x8040c0};
    if (y < g_h / 2) return kColours[(x / 16 + g_seed) % 7];            // vertical bands
    if (((x / 8) + (y / 8)) % 2) return kColours[(g_seed + 3) % 7];      // checkerboard
    return static_cast<std::uint32_t>((x * 255 / g_w) << 16 | (y * 255 / g_h) << 8 | (g_seed * 37 % 256));
}

void paint(HWND w) {
    PAINTSTRUCT ps;
    HDC dc = BeginPaint(w, &ps);
    std::vector<std::uint32_t> px(static_cast<std::size_t>(g_w) * g_h);
    for (int y = 0; y < g_h; ++y)
        for (int x = 0; x < g_w; ++x) px[static_cast<std::size_t>(y) * g_w + x] = pattern(x, y);
    BITMAPINFO bi{};
    bi.bmiHeader.biSize = sizeof bi.bmiHeader;
    bi.bmiHeader.biWidth = g_w;
    bi.bmiHeader.biHeight = -g_h;
    bi.bmiHeader.biPlanes = 1;
    bi.bmiHeader.biBitCount = 32;
    bi.bmiHeader.biCompression = BI_RGB;
    SetDIBitsToDevice(dc, 0, 0, g_w, g_h, 0, 0, 0, g_h, px.data(), &bi, DIB_RGB_COLORS);
    EndPaint(w, &ps);
}

LRESULT CALLBACK proc(HWND w, UINT msg, WPARAM wp, LPARAM lp) {
    if (msg == WM_PAINT) return paint(w), 0;
    if (msg == WM_DESTROY) return PostQuitMessage(0), 0;
    return DefWindowProcW(w, msg, wp, lp);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6) return 2;
    int x = std::atoi(argv[1]), y = std::atoi(argv[2]);
    g_w = std::atoi(argv[3]);
    g_h = std::atoi(argv[4]);
    g_seed = std::atoi(argv[5]);
    WNDCLASSW wc{};
    wc.lpfnWndProc = proc;
    wc.hInstance = GetModuleHandleW(nullptr);
    wc.lpszClassName = L"TetherPaintWindow";
    RegisterClassW(&wc);
    HWND w = CreateWindowExW(WS_EX_TOPMOST | WS_EX_TOOLWINDOW, wc.lpszClassName, L"paint", WS_POPUP, x, y, g_w, g_h,
                             nullptr, nullptr, wc.hInstance, nullptr);
    if (!w) return 1;
    ShowWindow(w, SW_SHOWNOACTIVATE);
    UpdateWindow(w);
    MSG m;
    while (GetMessageW(&m, nullptr, 0, 0) > 0) DispatchMessageW(&m);
    return 0;
}
