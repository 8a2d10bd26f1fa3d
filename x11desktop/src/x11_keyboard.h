// The supporter's keysyms typed on the customer's keyboard layout (issue
// 19 item 4), as TigerVNC's and x11vnc's servers do:
// - a character is typed with the key and level the customer's layout has
//   for it (XKB, the current group), with the Shift and AltGr (level 3)
//   that level needs: the desk's own Shift/AltGr are lifted or added around
//   that one press, so a US supporter's Shift+2 '@' is AltGr+à on a French
//   layout and a German supporter's AltGr+Q '@' is Shift+2 on a US one;
//   with Ctrl, Alt or Super held (a shortcut) the modifiers stay as sent;
// - a keysym the layout lacks (é, € on 'us'; a dead key) is mapped for the
//   moment onto a spare keycode (one without symbols) with
//   XChangeKeyboardMapping and pressed there; the mapping is put back a
//   while after its key was released (kRestoreAfter), and every one of
//   them when this object ends (the session's end), so the customer's
//   layout is as it was.
// Not thread-safe: the injector calls it under its lock. Internal to x11desktop/.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include <X11/Xlib.h>

#include "injected_input.h"

namespace x11desktop {

// Long enough that the client which received the key press has read it
// with the temporary mapping before the mapping goes (it learns of the
// change by a MappingNotify queued after the press).
constexpr std::chrono::milliseconds kRestoreAfter{1500};

class X11Keyboard {
public:
    // `dpy` is borrowed (the injector's connection); `sent` may be null.
    X11Keyboard(Display* dpy, std::shared_ptr<InjectedInput> sent);
    ~X11Keyboard();  // puts every temporary mapping back

    void key(std::uint32_t keysym, bool down);
    // Temporary mappings in use now (tests, diagnostics).
    std::size_t temporary_mappings() const { return temp_.size(); }

private:
    struct Temp {
        KeyCode code;
        std::uint32_t keysym;
        bool down;
        std::chrono::steady_clock::time_point released;
    };

    void press(KeyCode code, bool down);
    void press_character(std::uint32_t keysym);
    KeyCode temporary(std::uint32_t keysym);
    void restore_idle(bool all);
    unsigned held_mods(const unsigned char* modmap) const;

    Display* dpy_;
    std::shared_ptr<InjectedInput> sent_;
    std::vector<KeyCode> spare_;                 // keycodes with no symbols at the start
    std::vector<Temp> temp_;                     // spare keycodes mapped now
    std::map<std::uint32_t, KeyCode> pressed_;   // keysym -> the keycode its press used
    std::map<KeyCode, int> down_;                // keycodes we hold down (count)
};

}  // namespace x11desktop
