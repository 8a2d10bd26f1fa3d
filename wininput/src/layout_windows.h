// The customer's keyboard layout for KeyMapper (keymap.h): the layout of
// the thread that owns the foreground window, i.e. where the keys go.
// Windows only; not thread-safe (the injector's lock covers it).
#pragma once

#include <windows.h>

#include "wininput/keymap.h"

namespace wininput {

class WindowsLayout : public Layout {
public:
    // Looks the layout up again (the customer may switch it per window);
    // returns it for MapVirtualKeyEx.
    HKL refresh();
    std::optional<KeyStroke> key_for(char16_t ch) const override;
    char32_t compose(char32_t base, char32_t mark) const override;
    bool caps_shifts(std::uint16_t vk) const override;

private:
    HKL hkl_ = nullptr;
};

}  // namespace wininput
