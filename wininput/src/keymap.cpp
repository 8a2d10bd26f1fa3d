#include "wininput/keymap.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "wininput/vk.h"

namespace wininput {
namespace {

struct UnicodeRow {
    std::uint16_t keysym;
    std::uint16_t ucs;
};
// Sorted by keysym; made at configure time (cmake/keysym_table.cmake).
constexpr UnicodeRow kLegacy[] = {
#include "keysym_unicode.inc"
};

struct FixedRow {
    std::uint32_t keysym;
    FixedKey key;
};
// Rule 1 of keymap.h. Keypad navigation (KP_Home...) is the keypad key with
// NumLock off: not extended, unlike the grey keys of the same names.
constexpr FixedRow kFixed[] = {
    {0xff08, {vk::back, false}},      {0xff09, {vk::tab, false}},        {0xfe20, {vk::tab, false}},  // ISO_Left_Tab
    {0xff0b, {vk::clear, false}},     {0xff0d, {vk::return_, false}},    {0xff13, {vk::pause, false}},
    {0xff14, {vk::scroll, false}},    {0xff15, {vk::snapshot, true}},    {0xff1b, {vk::escape, false}},
    {0xff50, {vk::home, true}},       {0xff51, {vk::left, true}},        {0xff52, {vk::up, true}},
    {0xff53, {vk::right, true}},      {0xff54, {vk::down, true}},        {0xff55, {vk::prior, true}},
    {0xff56, {vk::next, true}},       {0xff57, {vk::end, true}},         {0xff60, {vk::select, false}},
    {0xff61, {vk::snapshot, true}},   {0xff62, {vk::execute, false}},    {0xff63, {vk::insert, true}},
    {0xff67, {vk::apps, true}},       {0xff69, {vk::cancel, true}},      {0xff6a, {vk::help, false}},
    {0xff6b, {vk::cancel, true}},     {0xff7f, {vk::numlock, true}},     {0xffff, {vk::delete_, true}},
    {0xff80, {vk::space, false}},     {0xff89, {vk::tab, false}},        {0xff8d, {vk::return_, true}},
    {0xff95, {vk::home, false}},      {0xff96, {vk::left, false}},       {0xff97, {vk::up, false}},
    {0xff98, {vk::right, false}},     {0xff99, {vk::down, false}},       {0xff9a, {vk::prior, false}},
    {0xff9b, {vk::next, false}},      {0xff9c, {vk::end, false}},        {0xff9d, {vk::clear, false}},
    {0xff9e, {vk::insert, false}},    {0xff9f, {vk::delete_, false}},    {0xffaa, {vk::multiply, false}},
    {0xffab, {vk::add, false}},       {0xffac, {vk::separator, false}},  {0xffad, {vk::subtract, false}},
    {0xffae, {vk::decimal, false}},   {0xffaf, {vk::divide, true}},      {0xffbd, {vk::oem_nec_equal, false}},
    {0xffe1, {vk::lshift, false}},    {0xffe2, {vk::rshift, false}},     {0xffe3, {vk::lcontrol, false}},
    {0xffe4, {vk::rcontrol, true}},   {0xffe5, {vk::capital, false}},    {0xffe7, {vk::lmenu, false}},  // Meta_L
    {0xffe8, {vk::rmenu, true}},      {0xffe9, {vk::lmenu, false}},      {0xffea, {vk::rmenu, true}},
    {0xffeb, {vk::lwin, true}},       {0xffec, {vk::rwin, true}},        {0xffed, {vk::lwin, true}},   // Hyper_L
    {0xffee, {vk::rwin, true}},       {0xfe03, {vk::rmenu, true}},       {0xff7e, {vk::rmenu, true}},  // AltGr
    // XF86 media and browser keys (X11/XF86keysym.h).
    {0x1008ff11, {vk::volume_down, true}},  {0x1008ff12, {vk::volume_mute, true}},
    {0x1008ff13, {vk::volume_up, true}},    {0x1008ff14, {vk::media_play_pause, true}},
    {0x1008ff15, {vk::media_stop, true}},   {0x1008ff16, {vk::media_prev, true}},
    {0x1008ff17, {vk::media_next, true}},   {0x1008ff18, {vk::browser_home, true}},
    {0x1008ff19, {vk::launch_mail, true}},  {0x1008ff1b, {vk::browser_search, true}},
    {0x1008ff26, {vk::browser_back, true}}, {0x1008ff27, {vk::browser_forward, true}},
    {0x1008ff28, {vk::browser_stop, true}}, {0x1008ff29, {vk::browser_refresh, true}},
    {0x1008ff2f, {vk::sleep, false}},       {0x1008ff30, {vk::browser_favorites, true}},
};

constexpr std::uint32_t kLevel3Shift = 0xfe03, kModeSwitch = 0xff7e;

struct DeadRow {
    std::uint32_t keysym;
    DeadKey key;
};
constexpr DeadRow kDead[] = {
    {0xfe50, {0x0300, u'`'}},    {0xfe51, {0x0301, 0x00b4}}, {0xfe52, {0x0302, u'^'}},    {0xfe53, {0x0303, u'~'}},
    {0xfe54, {0x0304, 0x00af}},  {0xfe55, {0x0306, 0x02d8}}, {0xfe56, {0x0307, 0x02d9}},  {0xfe57, {0x0308, 0x00a8}},
    {0xfe58, {0x030a, 0x02da}},  {0xfe59, {0x030b, 0x02dd}}, {0xfe5a, {0x030c, 0x02c7}},  {0xfe5b, {0x0327, 0x00b8}},
    {0xfe5c, {0x0328, 0x02db}},  {0xfe5d, {0x0345, 0x037a}}, {0xfe5e, {0x3099, 0x309b}},  {0xfe5f, {0x309a, 0x309c}},
    {0xfe60, {0x0323, 0}},       {0xfe61, {0x0309, 0}},      {0xfe62, {0x031b, 0}},       {0xfe64, {0x0313, 0}},
    {0xfe65, {0x0314, 0}},       {0xfe66, {0x030f, 0}},      {0xfe67, {0x0325, 0}},       {0xfe6e, {0x0326, 0}},
};

bool is_modifier(std::uint16_t v) {
    return v == vk::lshift || v == vk::rshift || v == vk::lcontrol || v == vk::rcontrol || v == vk::lmenu ||
           v == vk::rmenu || v == vk::lwin || v == vk::rwin;
}
bool is_shift(std::uint16_t v) { return v == vk::lshift || v == vk::rshift; }
bool is_ctrl(std::uint16_t v) { return v == vk::lcontrol || v == vk::rcontrol; }
bool is_alt(std::uint16_t v) { return v == vk::lmenu || v == vk::rmenu; }
bool extended_vk(std::uint16_t v) { return v == vk::rcontrol || v == vk::rmenu || v == vk::lwin || v == vk::rwin; }

KeyInput vk_event(std::uint16_t code, bool extended, bool up) { return {KeyInput::Kind::vk, code, extended, up}; }

// The layout's key for `ch` if it is usable: not dead (a dead key types
// nothing by itself) and needing at most Shift and AltGr.
std::optional<KeyStroke> usable_key(const Layout& layout, char32_t ch, bool want_dead) {
    if (ch > 0xffff) return std::nullopt;
    auto k = layout.key_for(static_cast<char16_t>(ch));
    if (!k || k->dead != want_dead || (k->mods & ~7u)) return std::nullopt;
    unsigned ctrl_alt = k->mods & kAltGr;
    if (ctrl_alt != 0 && ctrl_alt != kAltGr) return std::nullopt;  // Ctrl or Alt alone types no character
    return k;
}

// UTF-16 units of a code point, each pressed and released as text.
std::vector<KeyInput> unicode_text(char32_t ch) {
    std::vector<char16_t> units;
    if (ch > 0xffff) {
        ch -= 0x10000;
        units = {static_cast<char16_t>(0xd800 + (ch >> 10)), static_cast<char16_t>(0xdc00 + (ch & 0x3ff))};
    } else {
        units = {static_cast<char16_t>(ch)};
    }
    std::vector<KeyInput> out;
    for (auto u : units) {
        out.push_back({KeyInput::Kind::unicode, u, false, false});
        out.push_back({KeyInput::Kind::unicode, u, false, true});
    }
    return out;
}

}  // namespace

char32_t keysym_to_unicode(std::uint32_t ks) {
    if ((ks >= 0x20 && ks <= 0x7e) || (ks >= 0xa0 && ks <= 0xff)) return ks;
    if (ks >= 0x01000000 && ks <= 0x0110ffff) {
        char32_t u = ks - 0x01000000;
        return (u < 0x20 || (u >= 0x7f && u < 0xa0) || (u >= 0xd800 && u <= 0xdfff)) ? 0 : u;
    }
    if (ks > 0xffff) return 0;
    auto it = std::lower_bound(std::begin(kLegacy), std::end(kLegacy), ks,
                               [](const UnicodeRow& r, std::uint32_t k) { return r.keysym < k; });
    return it != std::end(kLegacy) && it->keysym == ks ? it->ucs : 0;
}

std::optional<FixedKey> fixed_key(std::uint32_t keysym) {
    if (keysym >= 0xffbe && keysym <= 0xffd5)  // F1..F24
        return FixedKey{static_cast<std::uint16_t>(vk::f1 + (keysym - 0xffbe)), false};
    if (keysym >= 0xffb0 && keysym <= 0xffb9)  // KP_0..KP_9
        return FixedKey{static_cast<std::uint16_t>(vk::numpad0 + (keysym - 0xffb0)), false};
    for (const auto& r : kFixed)
        if (r.keysym == keysym) return r.key;
    return std::nullopt;
}

std::optional<DeadKey> dead_key(std::uint32_t keysym) {
    for (const auto& r : kDead)
        if (r.keysym == keysym) return r.key;
    return std::nullopt;
}

std::vector<KeyInput> KeyMapper::key(std::uint32_t keysym, bool down) {
    if (!down) return release(keysym);
    if (auto f = fixed_key(keysym)) return press_fixed(keysym, *f);
    if (auto d = dead_key(keysym)) return press_dead(keysym, *d);
    if (char32_t ch = keysym_to_unicode(keysym)) return press_char(keysym, ch);
    return {};
}

std::vector<KeyInput> KeyMapper::press_fixed(std::uint32_t keysym, FixedKey k) {
    if (!is_modifier(k.vk)) dead_.reset();  // an accent waits through Shift, not through Return
    std::vector<KeyInput> out;
    if (keysym == kLevel3Shift || keysym == kModeSwitch) {  // AltGr = Ctrl+Alt
        out.push_back(vk_event(vk::lcontrol, false, false));
        held_mods_.insert(vk::lcontrol);
    }
    if (is_modifier(k.vk)) held_mods_.insert(k.vk);
    KeyInput down = vk_event(k.vk, k.extended, false);
    out.push_back(down);
    pressed_[keysym] = down;
    return out;
}

std::vector<KeyInput> KeyMapper::press_dead(std::uint32_t keysym, DeadKey d) {
    if (auto k = d.spacing ? usable_key(layout_, d.spacing, true) : std::nullopt) {
        dead_.reset();
        KeyInput down = vk_event(k->vk, extended_vk(k->vk), false);
        pressed_[keysym] = down;
        return with_mods(k->mods, down);  // the layout composes with the next key
    }
    dead_ = d;
    return {};
}

std::vector<KeyInput> KeyMapper::press_char(std::uint32_t keysym, char32_t ch) {
    auto dead = std::exchange(dead_, std::nullopt);
    if (!dead) return type_char(keysym, ch);
    if (char32_t both = layout_.compose(ch, dead->mark)) return type_char(keysym, both);
    // No such letter (e.g. q with circumflex): the accent, then the letter,
    // as Windows itself does.
    std::vector<KeyInput> out = unicode_text(dead->spacing ? dead->spacing : dead->mark);
    auto rest = type_char(keysym, ch);
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

std::vector<KeyInput> KeyMapper::type_char(std::uint32_t keysym, char32_t ch) {
    if (auto k = usable_key(layout_, ch, false)) {
        KeyInput down = vk_event(k->vk, extended_vk(k->vk), false);
        pressed_[keysym] = down;
        unsigned mods = k->mods;
        // The customer's CapsLock would shift this key: the opposite Shift
        // types the character asked for. A shortcut (Ctrl or Alt held, no
        // AltGr character) is a key, not a character: left alone.
        bool shortcut = std::any_of(held_mods_.begin(), held_mods_.end(),
                                    [](std::uint16_t v) { return is_ctrl(v) || is_alt(v); });
        if ((mods & kAltGr) == 0 && !shortcut && layout_.caps_shifts(k->vk)) mods ^= kShift;
        return with_mods(mods, down);
    }
    pressed_.erase(keysym);  // text has no key to release
    return unicode_text(ch);
}

// `key` with exactly the Shift and AltGr it needs on this layout: the
// desk's modifiers that would change the character are lifted around it,
// missing ones pressed around it; Ctrl or Alt held alone stay (shortcuts).
std::vector<KeyInput> KeyMapper::with_mods(unsigned want, KeyInput key) const {
    std::vector<KeyInput> before, after;
    auto lift = [&](bool (*pred)(std::uint16_t)) {
        for (auto v : held_mods_)
            if (pred(v)) {
                before.push_back(vk_event(v, extended_vk(v), true));
                after.insert(after.begin(), vk_event(v, extended_vk(v), false));
            }
    };
    auto add = [&](std::uint16_t v) {
        before.push_back(vk_event(v, extended_vk(v), false));
        after.insert(after.begin(), vk_event(v, extended_vk(v), true));
    };
    auto holds = [&](bool (*pred)(std::uint16_t)) {
        return std::any_of(held_mods_.begin(), held_mods_.end(), pred);
    };
    bool shift = holds(is_shift), ctrl = holds(is_ctrl), alt = holds(is_alt);
    bool altgr_held = held_mods_.count(vk::lcontrol) && held_mods_.count(vk::rmenu);
    if ((want & kShift) && !shift) add(vk::lshift);
    if (!(want & kShift) && shift) lift(is_shift);
    if ((want & kAltGr) == kAltGr) {
        if (!ctrl) add(vk::lcontrol);
        if (!alt) add(vk::rmenu);
    } else if (altgr_held) {  // the desk's AltGr chose this character on its own layout
        lift(is_ctrl);
        lift(is_alt);
    }
    before.push_back(key);
    before.insert(before.end(), after.begin(), after.end());
    return before;
}

std::vector<KeyInput> KeyMapper::release(std::uint32_t keysym) {
    auto it = pressed_.find(keysym);
    if (it == pressed_.end()) return {};
    KeyInput up = it->second;
    up.up = true;
    pressed_.erase(it);
    std::vector<KeyInput> out{up};
    held_mods_.erase(up.code);
    if (keysym == kLevel3Shift || keysym == kModeSwitch) {
        out.push_back(vk_event(vk::lcontrol, false, true));
        held_mods_.erase(vk::lcontrol);
    }
    return out;
}

}  // namespace wininput
