#include "layout_windows.h"

namespace wininput {

HKL WindowsLayout::refresh() {
    HWND fg = GetForegroundWindow();
    DWORD thread = fg ? GetWindowThreadProcessId(fg, nullptr) : 0;
    hkl_ = GetKeyboardLayout(thread);  // 0: this thread's
    return hkl_;
}

std::optional<KeyStroke> WindowsLayout::key_for(char16_t ch) const {
    SHORT r = VkKeyScanExW(static_cast<WCHAR>(ch), hkl_);
    if (r == -1) return std::nullopt;
    KeyStroke k;
    k.vk = static_cast<std::uint16_t>(r & 0xff);
    k.mods = static_cast<unsigned>((r >> 8) & 0xff);
    // MAPVK_VK_TO_CHAR sets the top bit for a dead key.
    k.dead = (MapVirtualKeyExW(k.vk, MAPVK_VK_TO_CHAR, hkl_) & 0x80000000u) != 0;
    return k;
}

// CapsLock's toggle as the system has it (GetKeyState on a thread without
// input of its own), then whether the layout gives `vk` another character
// with it: ToUnicodeEx with and without CapsLock, keyboard state untouched
// (flag 4), no Shift.
bool WindowsLayout::caps_shifts(std::uint16_t vk) const {
    if (!(GetKeyState(VK_CAPITAL) & 1)) return false;
    BYTE state[256] = {};
    WCHAR plain[4] = {}, caps[4] = {};
    UINT scan = MapVirtualKeyExW(vk, MAPVK_VK_TO_VSC, hkl_);
    int n0 = ToUnicodeEx(vk, scan, state, plain, 4, 4, hkl_);
    state[VK_CAPITAL] = 1;
    int n1 = ToUnicodeEx(vk, scan, state, caps, 4, 4, hkl_);
    return n0 == 1 && n1 == 1 && plain[0] != caps[0];
}

char32_t WindowsLayout::compose(char32_t base, char32_t mark) const {
    if (base > 0xffff || mark > 0xffff) return 0;
    WCHAR in[2] = {static_cast<WCHAR>(base), static_cast<WCHAR>(mark)}, out[4] = {};
    int n = FoldStringW(MAP_PRECOMPOSED, in, 2, out, 4);
    return n == 1 ? out[0] : 0;
}

}  // namespace wininput
