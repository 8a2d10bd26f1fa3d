// X keysyms (what RFB key events carry) to Windows keyboard input, for the
// SendInput injector (sendinput_injector_windows.cpp). Portable: the
// customer's layout is a seam (`Layout`: VkKeyScanExW and friends on
// Windows, a table in the Linux unit tests), so every decision below is
// tested on Linux.
//
// The rules, in order:
// 1. Keys that are not characters (modifiers, F1-F24, navigation, keypad,
//    media) map to a fixed virtual key (`fixed_key`), pressed and released
//    as the desk does. AltGr (ISO_Level3_Shift, Mode_switch) is Ctrl+Alt on
//    Windows layouts: left Ctrl plus right Alt.
// 2. A character (keysym_to_unicode) is typed with the key the customer's
//    layout has for it, with the Shift and AltGr it needs there: modifiers
//    the desk holds are released or added around that one key press and
//    restored after it (the desk's US Shift+2 types '@' on a German layout
//    as AltGr+Q). Ctrl or Alt held alone (shortcuts: Ctrl+C) stay held.
//    When the customer's CapsLock is on, a key it shifts gets the opposite
//    Shift, so the desk's 'a' types 'a' (not for shortcuts: Ctrl+C stays).
// 3. A character the layout has no (non-dead) key for is typed as Unicode
//    text (KEYEVENTF_UNICODE), one UTF-16 unit per event.
// 4. A dead keysym (dead_circumflex) presses the layout's dead key for that
//    accent if it has one, so the layout composes; otherwise it waits for
//    the next character and types the composed one (Layout::compose), or
//    the accent and the character when they do not compose.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

namespace wininput {

// Modifier bits as VkKeyScanExW reports them in its high byte.
enum Mods : unsigned { kShift = 1, kCtrl = 2, kAlt = 4, kAltGr = kCtrl | kAlt };

// The key that types a character on a layout.
struct KeyStroke {
    std::uint16_t vk = 0;
    unsigned mods = 0;  // Mods; bits above kAlt (Kana, OEM) make the key unusable here
    bool dead = false;  // a dead key: it types nothing until the next key
};

// The customer's keyboard layout, as far as the mapping needs it.
class Layout {
public:
    virtual ~Layout() = default;
    // The key for `ch` (a UTF-16 unit of the BMP), or nullopt if none.
    virtual std::optional<KeyStroke> key_for(char16_t ch) const = 0;
    // `base` followed by the combining mark `mark` as one precomposed
    // character (e + U+0302 -> U+00EA), or 0 if there is none.
    virtual char32_t compose(char32_t base, char32_t mark) const = 0;
    // CapsLock is on where the keys go and turns `vk`'s character into its
    // Shift one (the letters, on most layouts). Default: CapsLock off.
    virtual bool caps_shifts(std::uint16_t vk) const { return false; }
};

// One SendInput keyboard event.
struct KeyInput {
    enum class Kind { vk, unicode } kind = Kind::vk;
    std::uint16_t code = 0;  // the virtual key, or a UTF-16 unit for Kind::unicode
    bool extended = false;   // KEYEVENTF_EXTENDEDKEY (the E0 scan-code prefix)
    bool up = false;
    bool operator==(const KeyInput& o) const {
        return kind == o.kind && code == o.code && extended == o.extended && up == o.up;
    }
};

// The Unicode character of a keysym by the X rules: Latin-1 keysyms are
// their code point, 0x01000000 + U is U, the legacy keysyms (Latin-2..4,
// Cyrillic, Greek, Hebrew, Arabic, Thai, Korean, technical, publishing) by
// the U+ notes of X11/keysymdef.h. 0 if the keysym is not a character.
char32_t keysym_to_unicode(std::uint32_t keysym);

// The fixed virtual key of a keysym that is not a character (rule 1).
struct FixedKey {
    std::uint16_t vk;
    bool extended;
};
std::optional<FixedKey> fixed_key(std::uint32_t keysym);

// Rule 4: the combining mark and the spacing accent of a dead keysym.
struct DeadKey {
    char32_t mark;     // U+0302 for dead_circumflex
    char16_t spacing;  // '^': what the layout's dead key is found by; 0 if none
};
std::optional<DeadKey> dead_key(std::uint32_t keysym);

// The keysym -> key-press state of one desk: which modifiers it holds,
// which key each pressed keysym went to (released with it), a dead key
// waiting. Not thread-safe (the injector holds a lock around it).
class KeyMapper {
public:
    explicit KeyMapper(const Layout& layout) : layout_(layout) {}  // borrowed
    // The keyboard events for one RFB key event, in order; empty when the
    // keysym means nothing here (unknown, or a release of nothing).
    std::vector<KeyInput> key(std::uint32_t keysym, bool down);

private:
    std::vector<KeyInput> press_fixed(std::uint32_t keysym, FixedKey k);
    std::vector<KeyInput> press_char(std::uint32_t keysym, char32_t ch);
    std::vector<KeyInput> press_dead(std::uint32_t keysym, DeadKey d);
    std::vector<KeyInput> type_char(std::uint32_t keysym, char32_t ch);
    std::vector<KeyInput> with_mods(unsigned want, KeyInput key) const;
    std::vector<KeyInput> release(std::uint32_t keysym);

    const Layout& layout_;
    std::set<std::uint16_t> held_mods_;              // modifier VKs the desk holds down
    std::map<std::uint32_t, KeyInput> pressed_;      // keysym -> its key-down (Kind::vk only)
    std::optional<DeadKey> dead_;                    // an accent the layout lacks, waiting for its letter
};

}  // namespace wininput
