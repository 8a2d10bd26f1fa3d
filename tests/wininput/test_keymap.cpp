// wininput.units: the keysym -> Windows key mapping (wininput/keymap.h) and
// the mouse plan (wininput/mouse_plan.h), on Linux, against table layouts:
// a US one and a German one (AltGr characters, a dead circumflex).
#include <catch2/catch.hpp>

#include <map>

#include "wininput/keymap.h"
#include "wininput/mouse_plan.h"
#include "wininput/vk.h"

using namespace wininput;

namespace {

constexpr std::uint16_t kOem2 = 0xBF, kOem5 = 0xDC, kOem7 = 0xDE;

class TableLayout : public Layout {
public:
    std::map<char16_t, KeyStroke> keys;
    bool caps = false;  // the customer's CapsLock; it shifts the letter keys
    bool caps_shifts(std::uint16_t v) const override { return caps && v >= 'A' && v <= 'Z'; }
    std::optional<KeyStroke> key_for(char16_t ch) const override {
        auto it = keys.find(ch);
        return it == keys.end() ? std::nullopt : std::optional<KeyStroke>(it->second);
    }
    // What FoldStringW(MAP_PRECOMPOSED) answers for the pairs used here.
    char32_t compose(char32_t base, char32_t mark) const override {
        if (base == U'e' && mark == 0x0302) return 0x00ea;  // ê
        if (base == U'a' && mark == 0x0308) return 0x00e4;  // ä
        return 0;
    }
};

TableLayout us() {
    TableLayout l;
    for (char c = 'a'; c <= 'z'; ++c) l.keys[c] = {static_cast<std::uint16_t>(c - 'a' + 'A'), 0};
    for (char c = 'A'; c <= 'Z'; ++c) l.keys[c] = {static_cast<std::uint16_t>(c), kShift};
    const char* shifted = ")!@#$%^&*(";
    for (int d = 0; d <= 9; ++d) {
        l.keys[static_cast<char16_t>('0' + d)] = {static_cast<std::uint16_t>('0' + d), 0};
        l.keys[static_cast<char16_t>(shifted[d])] = {static_cast<std::uint16_t>('0' + d), kShift};
    }
    l.keys[u'/'] = {kOem2, 0};
    l.keys[u'?'] = {kOem2, kShift};
    l.keys[u' '] = {vk::space, 0};
    return l;
}

TableLayout german() {
    TableLayout l = us();
    l.keys[u'@'] = {'Q', kAltGr};
    l.keys[0x20ac] = {'E', kAltGr};  // €
    l.keys[u'"'] = {'2', kShift};
    l.keys[u'^'] = {kOem5, 0, true};  // the dead circumflex
    l.keys[0x00e4] = {kOem7, 0};      // ä has a key
    return l;
}

KeyInput d(std::uint16_t v, bool ext = false) { return {KeyInput::Kind::vk, v, ext, false}; }
KeyInput u(std::uint16_t v, bool ext = false) { return {KeyInput::Kind::vk, v, ext, true}; }
KeyInput td(char16_t c) { return {KeyInput::Kind::unicode, c, false, false}; }
KeyInput tu(char16_t c) { return {KeyInput::Kind::unicode, c, false, true}; }
using Seq = std::vector<KeyInput>;

}  // namespace

TEST_CASE("keysym to Unicode by the X rules", "[keymap]") {
    struct Row {
        std::uint32_t keysym;
        char32_t ucs;
    } rows[] = {
        {0x41, U'A'},        {0x7e, U'~'},          {0xe9, 0xe9},          // Latin-1: itself
        {0x1a1, 0x104},      {0x6d6, 0x436},        {0x7c1, 0x391},        // Latin-2 Ą, Cyrillic ж, Greek Α
        {0x20ac, 0x20ac},    {0xaa9, 0x2014},                              // EuroSign, emdash
        {0x0100263a, 0x263a}, {0x0101f600, 0x1f600},                       // 0x01000000 + U
        {0xff08, 0},         {0xfe50, 0},           {0x01000007, 0},       // BackSpace, dead_grave, a control char
        {0x12345678, 0},
    };
    for (const auto& r : rows) {
        CAPTURE(r.keysym);
        CHECK(keysym_to_unicode(r.keysym) == r.ucs);
    }
}

TEST_CASE("keys that are not characters have a fixed virtual key", "[keymap]") {
    struct Row {
        std::uint32_t keysym;
        std::uint16_t vk;
        bool extended;
    } rows[] = {
        {0xffbe, vk::f1, false},         {0xffc8, 0x7a, false},            {0xffd5, 0x87, false},  // F1, F11, F24
        {0xffb0, vk::numpad0, false},    {0xffb5, 0x65, false},            {0xffae, vk::decimal, false},
        {0xff8d, vk::return_, true},     {0xffaf, vk::divide, true},       {0xffab, vk::add, false},
        {0xff95, vk::home, false},       {0xff50, vk::home, true},         {0xff9f, vk::delete_, false},
        {0xffff, vk::delete_, true},     {0xff51, vk::left, true},         {0xff0d, vk::return_, false},
        {0xffe1, vk::lshift, false},     {0xffe4, vk::rcontrol, true},     {0xffeb, vk::lwin, true},
        {0xfe03, vk::rmenu, true},       {0x1008ff12, vk::volume_mute, true},
    };
    for (const auto& r : rows) {
        CAPTURE(r.keysym);
        auto k = fixed_key(r.keysym);
        REQUIRE(k);
        CHECK(k->vk == r.vk);
        CHECK(k->extended == r.extended);
    }
    CHECK_FALSE(fixed_key(0x61));
}

TEST_CASE("characters: the layout's key with the Shift it needs there", "[keymap]") {
    TableLayout l = us();
    KeyMapper m(l);
    CHECK(m.key(0x61, true) == Seq{d('A')});  // a
    CHECK(m.key(0x61, false) == Seq{u('A')});
    CHECK(m.key(0x41, true) == Seq{d(vk::lshift), d('A'), u(vk::lshift)});  // A, the desk holding no Shift
    CHECK(m.key(0x41, false) == Seq{u('A')});
    CHECK(m.key(0xffe1, true) == Seq{d(vk::lshift)});  // the desk's Shift_L
    CHECK(m.key(0x21, true) == Seq{d('1')});           // !
    CHECK(m.key(0x21, false) == Seq{u('1')});
    CHECK(m.key(0x2f, true) == Seq{u(vk::lshift), d(kOem2), d(vk::lshift)});  // '/' under a held Shift
    CHECK(m.key(0xffe1, false) == Seq{u(vk::lshift)});
    CHECK(m.key(0x40, true) == Seq{d(vk::lshift), d('2'), u(vk::lshift)});  // @
}

TEST_CASE("shortcuts keep the desk's Ctrl", "[keymap]") {
    TableLayout l = us();
    KeyMapper m(l);
    CHECK(m.key(0xffe3, true) == Seq{d(vk::lcontrol)});
    CHECK(m.key(0x63, true) == Seq{d('C')});
    CHECK(m.key(0x63, false) == Seq{u('C')});
    CHECK(m.key(0xffe3, false) == Seq{u(vk::lcontrol)});
}

TEST_CASE("AltGr characters across layouts", "[keymap]") {
    SECTION("a US desk's Shift+2 types @ on a German layout as AltGr+Q") {
        TableLayout l = german();
        KeyMapper m(l);
        m.key(0xffe1, true);
        CHECK(m.key(0x40, true) == Seq{u(vk::lshift), d(vk::lcontrol), d(vk::rmenu, true), d('Q'), u(vk::rmenu, true),
                                       u(vk::lcontrol), d(vk::lshift)});
        CHECK(m.key(0x20ac, true) == Seq{u(vk::lshift), d(vk::lcontrol), d(vk::rmenu, true), d('E'),
                                         u(vk::rmenu, true), u(vk::lcontrol), d(vk::lshift)});  // €
    }
    SECTION("a German desk's AltGr+Q (@) on a US layout lifts AltGr and adds Shift") {
        TableLayout l = us();
        KeyMapper m(l);
        CHECK(m.key(0xfe03, true) == Seq{d(vk::lcontrol), d(vk::rmenu, true)});  // ISO_Level3_Shift = Ctrl+Alt
        CHECK(m.key(0x40, true) == Seq{d(vk::lshift), u(vk::lcontrol), u(vk::rmenu, true), d('2'), d(vk::rmenu, true),
                                       d(vk::lcontrol), u(vk::lshift)});
        CHECK(m.key(0x40, false) == Seq{u('2')});
        CHECK(m.key(0xfe03, false) == Seq{u(vk::rmenu, true), u(vk::lcontrol)});
    }
}

TEST_CASE("characters the layout lacks arrive as Unicode text", "[keymap]") {
    TableLayout l = us();
    KeyMapper m(l);
    CHECK(m.key(0xe9, true) == Seq{td(0xe9), tu(0xe9)});        // é
    CHECK(m.key(0xe9, false).empty());                          // text has no key to release
    CHECK(m.key(0x20ac, true) == Seq{td(0x20ac), tu(0x20ac)});  // € on a US layout
    CHECK(m.key(0x6d6, true) == Seq{td(0x436), tu(0x436)});     // Cyrillic ж
    CHECK(m.key(0x0101f600, true) == Seq{td(0xd83d), tu(0xd83d), td(0xde00), tu(0xde00)});  // a surrogate pair
    TableLayout g = german();
    KeyMapper mg(g);
    CHECK(mg.key(0x5e, true) == Seq{td(u'^'), tu(u'^')});  // '^' is only a dead key there
    CHECK(mg.key(0xe4, true) == Seq{d(kOem7)});            // ä has its own key
}

TEST_CASE("dead keys: the layout's own, or composed here", "[keymap]") {
    SECTION("German: the dead circumflex key, the layout composes") {
        TableLayout l = german();
        KeyMapper m(l);
        CHECK(m.key(0xfe52, true) == Seq{d(kOem5)});
        CHECK(m.key(0xfe52, false) == Seq{u(kOem5)});
        CHECK(m.key(0x65, true) == Seq{d('E')});
    }
    SECTION("US: no dead keys, the accented letter as text") {
        TableLayout l = us();
        KeyMapper m(l);
        CHECK(m.key(0xfe52, true).empty());
        CHECK(m.key(0xfe52, false).empty());
        CHECK(m.key(0xffe1, true) == Seq{d(vk::lshift)});  // Shift does not cancel the accent
        CHECK(m.key(0xffe1, false) == Seq{u(vk::lshift)});
        CHECK(m.key(0x65, true) == Seq{td(0xea), tu(0xea)});  // ê
        CHECK(m.key(0x65, false).empty());
        CHECK(m.key(0x65, true) == Seq{d('E')});  // the accent was used up
        m.key(0xfe57, true);                      // dead_diaeresis, then q: no such letter
        CHECK(m.key(0x71, true) == Seq{td(0xa8), tu(0xa8), d('Q')});
        m.key(0xfe52, true);  // Return cancels a waiting accent
        CHECK(m.key(0xff0d, true) == Seq{d(vk::return_)});
        CHECK(m.key(0x65, true) == Seq{d('E')});
    }
}

TEST_CASE("releases of keys never pressed send nothing", "[keymap]") {
    TableLayout l = us();
    KeyMapper m(l);
    CHECK(m.key(0x61, false).empty());
    CHECK(m.key(0xffe1, false).empty());
    CHECK(m.key(0xfe50, true).empty() == true);  // waits
    CHECK(m.key(0x12345, true).empty());          // no such keysym
}

TEST_CASE("mouse: RFB button masks to button and wheel events", "[mouse]") {
    using K = MouseButton::Kind;
    using B = std::vector<MouseButton>;
    CHECK(button_changes(0, 1) == B{{K::left_down, 0}});
    CHECK(button_changes(1, 0) == B{{K::left_up, 0}});
    CHECK(button_changes(0, 6) == B{{K::middle_down, 0}, {K::right_down, 0}});
    CHECK(button_changes(4, 1) == B{{K::left_down, 0}, {K::right_up, 0}});
    CHECK(button_changes(0, 8) == B{{K::wheel, 120}});
    CHECK(button_changes(8, 0).empty());
    CHECK(button_changes(0, 16) == B{{K::wheel, -120}});
    CHECK(button_changes(0, 32) == B{{K::hwheel, -120}});
    CHECK(button_changes(0, 64) == B{{K::hwheel, 120}});
    CHECK(button_changes(1, 1 | 8) == B{{K::wheel, 120}});
}

TEST_CASE("mouse: absolute coordinates land on the pixel", "[mouse]") {
    // Windows maps n back to origin + floor(n * extent / 65536).
    for (int extent : {1, 640, 1024, 1280, 1366, 1920, 3840 + 1920, 7680}) {
        for (int p : {0, 1, extent / 3, extent / 2, extent - 2, extent - 1}) {
            if (p < 0 || p >= extent) continue;
            int n = normalized(p + 100, 100, extent);
            CAPTURE(extent, p, n);
            CHECK(n >= 0);
            CHECK(n <= 65535);
            CHECK(static_cast<long long>(n) * extent / 65536 == p);
        }
    }
    CHECK(normalized(-50, 0, 800) == 0);                 // clamped to the screen
    CHECK(normalized(5000, 0, 800) == normalized(799, 0, 800));
    CHECK(normalized(-1920, -1920, 3840) == 0);          // a monitor left of the primary
}

// The customer's CapsLock is on: the desk's characters still arrive as
// sent (its 'a' is 'a', its 'A' is 'A'), keys CapsLock does not shift keep
// their Shift, and a shortcut stays the key it is (Ctrl+C, no Shift added).
TEST_CASE("CapsLock on the customer's side: the desk's characters as sent", "[keymap]") {
    TableLayout l = us();
    l.caps = true;
    KeyMapper m(l);
    CHECK(m.key(0x61, true) == Seq{d(vk::lshift), d('A'), u(vk::lshift)});  // a: Shift cancels CapsLock
    CHECK(m.key(0x61, false) == Seq{u('A')});
    CHECK(m.key(0x41, true) == Seq{d('A')});  // A: CapsLock alone makes it
    CHECK(m.key(0x41, false) == Seq{u('A')});
    CHECK(m.key(0x31, true) == Seq{d('1')});  // 1 and ! as without CapsLock
    CHECK(m.key(0x31, false) == Seq{u('1')});
    CHECK(m.key(0x21, true) == Seq{d(vk::lshift), d('1'), u(vk::lshift)});
    CHECK(m.key(0x21, false) == Seq{u('1')});
    CHECK(m.key(0xffe1, true) == Seq{d(vk::lshift)});  // the desk's Shift + a = 'A': Shift lifted
    CHECK(m.key(0x41, true) == Seq{u(vk::lshift), d('A'), d(vk::lshift)});
    CHECK(m.key(0x41, false) == Seq{u('A')});
    CHECK(m.key(0xffe1, false) == Seq{u(vk::lshift)});
    CHECK(m.key(0xffe3, true) == Seq{d(vk::lcontrol)});  // Ctrl+C stays Ctrl+C
    CHECK(m.key(0x63, true) == Seq{d('C')});
    CHECK(m.key(0x63, false) == Seq{u('C')});
    CHECK(m.key(0xffe3, false) == Seq{u(vk::lcontrol)});
}
