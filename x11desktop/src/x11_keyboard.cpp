#include "x11_keyboard.h"

#include <algorithm>

#include <X11/XKBlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "wininput/keymap.h"

namespace x11desktop {
namespace {

using Clock = std::chrono::steady_clock;

// Dead keys are typed like characters: they sit on levels too.
bool is_dead(std::uint32_t ks) { return ks >= 0xfe50 && ks <= 0xfe8f; }

// 0xff00-0xffff: function, keypad, cursor and modifier keys. Keypad
// digits are the keypad's (NumLock decides), never a character to move.
bool is_function_key(std::uint32_t ks) { return ks >= 0xff00 && ks <= 0xffff; }

bool is_character(std::uint32_t ks) {
    if (is_dead(ks)) return true;
    if (is_function_key(ks)) return false;
    char32_t u = wininput::keysym_to_unicode(ks);
    return u >= 0x20 && u != 0x7f;
}

// The same keysym, or the same character (0x010020ac is EuroSign).
bool same_symbol(std::uint32_t a, KeySym b) {
    if (a == b) return true;
    if (b == NoSymbol || is_function_key(static_cast<std::uint32_t>(b))) return false;
    char32_t ua = wininput::keysym_to_unicode(a);
    return ua >= 0x20 && ua == wininput::keysym_to_unicode(static_cast<std::uint32_t>(b));
}

int bits(unsigned m) { return __builtin_popcount(m); }

// Where a keysym is on the layout: the key and the modifiers of its level.
struct Place {
    KeyCode code = 0;
    unsigned mods = 0;
    int level = 99;
};

// The modifiers that select `level` of `type` (the entry with the fewest,
// Lock avoided); false when no entry reaches it.
bool level_mods(XkbKeyTypePtr type, int level, unsigned& mods) {
    if (level == 0) {
        mods = 0;
        return true;
    }
    bool found = false;
    for (int i = 0; i < type->map_count; ++i) {
        const auto& e = type->map[i];
        if (!e.active || e.level != level || (e.mods.mask & LockMask)) continue;
        if (!found || bits(e.mods.mask) < bits(mods)) mods = e.mods.mask;
        found = true;
    }
    return found;
}

Place find(XkbDescPtr xkb, int group, std::uint32_t keysym) {
    Place best;
    for (int kc = xkb->min_key_code; kc <= xkb->max_key_code; ++kc) {
        int groups = XkbKeyNumGroups(xkb, kc);
        if (groups == 0) continue;
        int g = group < groups ? group : 0;
        XkbKeyTypePtr type = XkbKeyKeyType(xkb, kc, g);
        for (int lvl = 0; lvl < type->num_levels && lvl < best.level; ++lvl) {
            if (!same_symbol(keysym, XkbKeySymEntry(xkb, kc, lvl, g))) continue;
            unsigned mods;
            if (!level_mods(type, lvl, mods)) continue;
            best = Place{static_cast<KeyCode>(kc), mods, lvl};
        }
    }
    return best;
}

// A key that sets `mod` (level 0 keysym preferred: Shift_L for Shift,
// ISO_Level3_Shift for level 3), 0 if none.
KeyCode modifier_key(XkbDescPtr xkb, unsigned mod) {
    KeyCode fallback = 0;
    for (int kc = xkb->min_key_code; kc <= xkb->max_key_code; ++kc) {
        if (!(xkb->map->modmap[kc] & mod) || XkbKeyNumGroups(xkb, kc) == 0) continue;
        KeySym s = XkbKeySymEntry(xkb, kc, 0, 0);
        if (s == XK_Shift_L || s == XK_ISO_Level3_Shift) return static_cast<KeyCode>(kc);
        if (s != XK_Caps_Lock && s != XK_Shift_Lock && s != XK_Num_Lock && !fallback) fallback = static_cast<KeyCode>(kc);
    }
    return fallback;
}

struct XkbMap {
    XkbDescPtr xkb;
    explicit XkbMap(Display* d) : xkb(XkbGetMap(d, XkbKeyTypesMask | XkbKeySymsMask | XkbModifierMapMask, XkbUseCoreKbd)) {}
    ~XkbMap() {
        if (xkb) XkbFreeKeyboard(xkb, 0, True);
    }
};

}  // namespace

X11Keyboard::X11Keyboard(Display* dpy, std::shared_ptr<InjectedInput> sent) : dpy_(dpy), sent_(std::move(sent)) {
    int min, max, per;
    XDisplayKeycodes(dpy_, &min, &max);
    KeySym* map = XGetKeyboardMapping(dpy_, static_cast<KeyCode>(min), max - min + 1, &per);
    XModifierKeymap* mm = XGetModifierMapping(dpy_);
    auto in_modmap = [&](int kc) {
        for (int i = 0; i < 8 * mm->max_keypermod; ++i)
            if (mm->modifiermap[i] == kc) return true;
        return false;
    };
    // From the top: the low keycodes are the ones real keyboards have.
    for (int kc = max; kc >= min && map; --kc) {
        bool empty = true;
        for (int i = 0; i < per; ++i) empty = empty && map[(kc - min) * per + i] == NoSymbol;
        if (empty && !in_modmap(kc)) spare_.push_back(static_cast<KeyCode>(kc));
    }
    if (map) XFree(map);
    XFreeModifiermap(mm);
}

X11Keyboard::~X11Keyboard() {
    for (auto& [code, n] : down_)
        if (n > 0) XTestFakeKeyEvent(dpy_, code, False, CurrentTime);
    restore_idle(true);
    XSync(dpy_, False);
}

void X11Keyboard::press(KeyCode code, bool down) {
    if (down && sent_) sent_->key(code);
    XTestFakeKeyEvent(dpy_, code, down, CurrentTime);
    int& n = down_[code];
    n = down ? n + 1 : std::max(0, n - 1);
}

unsigned X11Keyboard::held_mods(const unsigned char* modmap) const {
    unsigned m = 0;
    for (const auto& [code, n] : down_)
        if (n > 0) m |= modmap[code];
    return m;
}

void X11Keyboard::key(std::uint32_t keysym, bool down) {
    restore_idle(false);
    if (!down) {
        auto it = pressed_.find(keysym);
        if (it == pressed_.end()) return;
        press(it->second, false);
        for (auto& t : temp_)
            if (t.code == it->second) {
                t.down = false;
                t.released = Clock::now();
            }
        pressed_.erase(it);
        XFlush(dpy_);
        return;
    }
    if (pressed_.count(keysym)) return;  // auto-repeat of a held key: X repeats it itself
    if (is_character(keysym)) {
        press_character(keysym);
    } else {
        KeyCode code = XKeysymToKeycode(dpy_, keysym);  // a modifier, F-key, arrow...: as it is
        if (code == 0) return;                         // a modifier the layout lacks cannot work on a spare key
        press(code, true);
        pressed_[keysym] = code;
    }
    XFlush(dpy_);
}

// The press of one character with the modifiers its level needs here.
void X11Keyboard::press_character(std::uint32_t keysym) {
    XkbMap m(dpy_);
    if (!m.xkb) return;
    XkbStateRec st;
    XkbGetState(dpy_, XkbUseCoreKbd, &st);
    Place p = find(m.xkb, st.group, keysym);
    const unsigned char* modmap = m.xkb->map->modmap;
    unsigned held = held_mods(modmap);
    unsigned shortcut = ControlMask | Mod1Mask | Mod4Mask;
    std::vector<KeyCode> lifted, added;
    if (p.code != 0 && !(held & shortcut)) {
        // Only Shift and level 3 (AltGr) choose among a key's characters.
        KeyCode iso = XKeysymToKeycode(dpy_, XK_ISO_Level3_Shift);
        unsigned adjustable = ShiftMask | (iso ? modmap[iso] : 0);
        if (p.mods & ~adjustable & ~held) p.code = 0;  // a level we cannot reach: a spare key instead
        unsigned need = p.mods & adjustable, have = held & adjustable;
        for (const auto& [code, n] : down_)
            if (n > 0 && (modmap[code] & have & ~need)) lifted.push_back(code);
        for (unsigned bit = 1; bit <= Mod5Mask && p.code; bit <<= 1)
            if (need & bit & ~have) {
                KeyCode k = modifier_key(m.xkb, bit);
                if (k) added.push_back(k);
                else p.code = 0;
            }
    }
    if (p.code == 0) {  // not on this layout: a spare key, alone on its one level
        KeyCode code = temporary(keysym);
        if (code == 0) return;
        press(code, true);
        pressed_[keysym] = code;
        return;
    }
    for (KeyCode k : lifted) press(k, false);
    for (KeyCode k : added) press(k, true);
    press(p.code, true);
    pressed_[keysym] = p.code;
    for (KeyCode k : added) press(k, false);
    for (KeyCode k : lifted) press(k, true);
}

// A spare keycode showing `keysym` on both levels (so the desk's Shift
// changes nothing), the least recently released one when all are in use.
KeyCode X11Keyboard::temporary(std::uint32_t keysym) {
    for (auto& t : temp_)
        if (t.keysym == keysym) {
            t.down = true;
            return t.code;
        }
    KeyCode code = 0;
    for (KeyCode c : spare_)
        if (std::none_of(temp_.begin(), temp_.end(), [&](const Temp& t) { return t.code == c; })) {
            code = c;
            break;
        }
    if (code == 0) {
        auto lru = std::min_element(temp_.begin(), temp_.end(), [](const Temp& a, const Temp& b) {
            return !a.down && (b.down || a.released < b.released);
        });
        if (lru == temp_.end() || lru->down) return 0;
        code = lru->code;
        temp_.erase(lru);
    }
    KeySym syms[2] = {keysym, keysym};
    XChangeKeyboardMapping(dpy_, code, 2, syms, 1);
    temp_.push_back(Temp{code, keysym, true, Clock::now()});
    return code;
}

void X11Keyboard::restore_idle(bool all) {
    auto now = Clock::now();
    for (auto it = temp_.begin(); it != temp_.end();) {
        if (all || (!it->down && now - it->released >= kRestoreAfter)) {
            KeySym none[2] = {NoSymbol, NoSymbol};
            XChangeKeyboardMapping(dpy_, it->code, 2, none, 1);
            it = temp_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace x11desktop
