// Issue 19 item 4: the supporter's characters arrive on the customer's
// layout, whatever the supporter's. The customer's Xvfb gets a layout with
// setxkbmap; the supporter's keysyms go through a real session (ClientSession
// + DeskSession, the desk's viewer sends them as its window would); an X
// window on the customer's display records the keysym each KeyPress means
// there (XLookupString: the key with its modifiers, as an application
// reads it). Afterwards the keyboard mapping is compared with the one before.
// The same with both programs' windows and xdotool on a German desk:
// screen.toolbox_keyboard_windows (test_toolbox_windows.cpp).
#include <catch2/catch.hpp>

#include "harness.h"
#include "pair.h"

// After pair.h: Xlib's macros (Status) would break its headers.
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>

using namespace screentest;

namespace {

struct Session {
    Xvfb x;
    std::string before;
    std::unique_ptr<KeyRecorder> rec;
    std::unique_ptr<StreamChannels> ch;
    std::unique_ptr<Pair> pair;

    Session(const std::string& layout, std::chrono::milliseconds desk_delay = 0ms) {
        REQUIRE(run({"setxkbmap", "-display", x.name(), layout}) == 0);
        before = mapping_dump(x.name());
        rec = std::make_unique<KeyRecorder>(x.name());
        ch = std::make_unique<StreamChannels>();
        pair = std::make_unique<Pair>(x.name(), ch->client(), ch->desk(), screen::ViewerOptions{},
                                      remote::ConsentState{}, desk_delay);
        REQUIRE(wait_until([&] { return pair->viewer().frames() >= 1; }, 20s));
        REQUIRE(run({"xdotool", "key", "F11"}, {"DISPLAY=" + x.name()}) == 0);
        REQUIRE(wait_until([&] { return pair->desk().consent().control; }));
        rec->clear();
    }
    // What the desk's window sends for one typed key: modifiers held around it.
    void type(std::uint32_t keysym, std::vector<std::uint32_t> mods = {}) {
        auto& v = pair->viewer();
        for (auto m : mods) v.send_key(m, true);
        v.send_key(keysym, true);
        v.send_key(keysym, false);
        for (auto it = mods.rbegin(); it != mods.rend(); ++it) v.send_key(*it, false);
    }
    // Ends the session; the layout must be as before.
    void end_and_compare() {
        pair.reset();
        CHECK(mapping_dump(x.name()) == before);
    }
};

}  // namespace

TEST_CASE("characters a US layout lacks arrive, and the layout is unchanged afterwards", "[keyboard]") {
    auto delay = GENERATE(0ms, 2000ms);
    Session s("us", delay);
    s.type(XK_eacute);                               // é: the desk's composed character
    s.type(0x01000000 + 0x20ac, {XK_ISO_Level3_Shift});  // € typed as AltGr+E on a German desk
    s.type(XK_dead_circumflex);                       // a dead key the layout has not
    s.type(XK_A, {XK_Shift_L});                       // an ordinary one with the desk's Shift
    CHECK(s.rec->got({XK_eacute, 0x010020ac, XK_dead_circumflex, XK_A}) );
    INFO("temporary mappings are undone at the end of the session");
    s.end_and_compare();
}

TEST_CASE("AltGr across layouts: a US and a German desk type '@' and '{' on a French layout", "[keyboard]") {
    Session s("fr");
    s.type(XK_at, {XK_Shift_L});             // US desk: Shift+2 (French: AltGr+à)
    s.type(XK_at, {XK_ISO_Level3_Shift});    // German desk: AltGr+Q
    s.type(XK_braceleft, {XK_Shift_L});      // US desk: Shift+[ (French: AltGr+')
    s.type(XK_eacute);                       // on the French layout's own key, level 1
    s.type(XK_2);                            // US desk: plain 2 (French: Shift+é, Shift added)
    CHECK(s.rec->got({XK_at, XK_at, XK_braceleft, XK_eacute, XK_2}));
    s.end_and_compare();
}

TEST_CASE("a German desk's AltGr '@' and dead key on a US layout", "[keyboard]") {
    Session s("us");
    s.type(XK_at, {XK_ISO_Level3_Shift});  // US: Shift+2, AltGr lifted
    s.type(XK_dead_acute);                 // German desk's dead key, sent as it is
    s.type(XK_e);
    s.type(XK_c, {XK_Control_L});          // a shortcut keeps its modifiers
    CHECK(s.rec->got({XK_at, XK_dead_acute, XK_e, XK_c}));
    s.end_and_compare();
}
