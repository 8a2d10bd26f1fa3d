// Issue 19 with the real programs' windows: tether-desk on the supporter's
// Xvfb, tether-client on the customer's (direct test link), the customer
// arriving at once and 3 s after the code appeared. The supporter acts with
// xdotool on the desk's display (clicks in the monitor menu, keys typed into
// the desk window), the customer with xdotool on hers (the code, F11).
// Asserted on what each person sees: the desk display's pixels, the status
// files each window keeps in step with its widgets, what reached an X
// application on the customer's display, the selections read with xclip.
// One ctest entry per case (each < 60 s).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "files/sha256.h"
#include "programs.h"

// After Catch2: Xlib's macros (None, Always) would break it.
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

using namespace screentest;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

constexpr Spot kClientDisconnect{355, 253};

// ---- monitors ----

// The topmost mapped override-redirect window on `display` at least
// `min_h` high over root x `at_x`: an open menu (not a tooltip).
bool find_popup(const std::string& display, int at_x, int min_h, int& x, int& y, int& w, int& h) {
    Display* d = XOpenDisplay(display.c_str());
    if (!d) return false;
    Window root = DefaultRootWindow(d), parent, *kids = nullptr;
    unsigned n = 0;
    bool found = false;
    XQueryTree(d, root, &root, &parent, &kids, &n);
    for (unsigned i = n; i-- > 0 && !found;) {  // bottom to top: search from the top
        XWindowAttributes wa;
        if (XGetWindowAttributes(d, kids[i], &wa) && wa.map_state == IsViewable && wa.override_redirect &&
            wa.height >= min_h && wa.x <= at_x && at_x < wa.x + wa.width) {
            x = wa.x;
            y = wa.y;
            w = wa.width;
            h = wa.height;
            found = true;
        }
    }
    if (kids) XFree(kids);
    XCloseDisplay(d);
    return found;
}

// The customer's pointer on her display (root coordinates).
void pointer_at(const std::string& display, int& x, int& y) {
    Display* d = XOpenDisplay(display.c_str());
    REQUIRE(d);
    Window r, c;
    int wx, wy;
    unsigned m;
    XQueryPointer(d, DefaultRootWindow(d), &r, &c, &x, &y, &wx, &wy, &m);
    XCloseDisplay(d);
}

// The menu's item index (0: "All monitors") of the monitor whose words start with `name`.
int menu_item(const std::map<std::string, std::string>& kv, const std::string& words) {
    for (int i = 1; kv.count("monitor." + std::to_string(i)); ++i)
        if (kv.at("monitor." + std::to_string(i)) == words) return i;
    return -1;
}

// Opens the desk's monitor menu with a click and clicks item `item` of it.
void pick_monitor(const Win& dw, int item, int items) {
    int px = 0, py = 0, pw = 0, ph = 0;
    REQUIRE(wait_until([&] {
        dw.click(kDeskMonitor);
        return wait_until([&] { return find_popup(dw.display, dw.x + kDeskMonitor.x, items * 14, px, py, pw, ph); }, 2s);
    }, 20s));
    screenshot(dw.display, "toolbox-windows-monitor-menu");
    int iy = py + (2 * item + 1) * ph / (2 * items);  // the item's middle (items of one height)
    REQUIRE(xdotool(dw.display, {"mousemove", std::to_string(px + pw / 2), std::to_string(iy), "click", "1"}) == 0);
    // Away from the menu button (its tooltip would cover part of the
    // picture), onto the code's box in the bar (no tooltip, not her screen).
    REQUIRE(xdotool(dw.display, {"mousemove", std::to_string(dw.x + 300), std::to_string(dw.y + 20)}) == 0);
}

// Pixels of the desk window's 1:1 picture (w x h from its top-left) that
// differ from the customer's screen from (ox, 0); the box around her
// pointer (drawn by the desk, never in an XGetImage) left out.
// `box` gets the differing pixels' bounding box (picture coordinates).
long picture_diff(const std::string& customer, const Win& dw, int ox, int w, int h, std::string& box) {
    desktop::Frame c = grab(customer), d = grab(dw.display);
    int mx, my;
    pointer_at(customer, mx, my);
    long diff = 0;
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            if (!(std::abs(ox + x - mx) <= 24 && std::abs(y - my) <= 24) &&
                d.at(dw.x + x, dw.y + kDeskBar + y) != c.at(ox + x, y)) {
                ++diff;
                x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
            }
    box = "(" + std::to_string(x0) + ", " + std::to_string(y0) + ")-(" + std::to_string(x1) + ", " +
          std::to_string(y1) + "), her pointer at root (" + std::to_string(mx) + ", " + std::to_string(my) + ")";
    return diff;
}

bool picture_is(const std::string& customer, const Win& dw, int ox, int w, int h) {
    long diff = -1;
    std::string box;
    bool same = wait_until([&] { return (diff = picture_diff(customer, dw, ox, w, h, box)) == 0; }, 15s);
    if (!same) screenshot(dw.display, "toolbox-windows-picture-differs");
    INFO("pixels that differ: " << diff << " in " << box);
    CHECK(diff == 0);
    return same;
}

int count_lines(const std::map<std::string, std::string>& kv, const std::string& prefix, const std::string& part) {
    int n = 0;
    for (const auto& [k, v] : kv)
        if (k.compare(0, prefix.size(), prefix) == 0 && contains(v, part)) ++n;
    return n;
}

void monitors_case(std::chrono::milliseconds customer_delay, const std::string& tag) {
    Xvfb customer(1600, 600), supporter(1100, 860);
    set_monitor(customer.name(), "L", 0, 0, 800, 600);
    set_monitor(customer.name(), "R", 800, 0, 800, 600);
    paint(customer.name(), make_pattern(1600, 600, 3));
    std::string records = temp_dir();
    WindowPair p(customer.name(), supporter.name(), customer_delay, {"--record-dir", records});
    REQUIRE(wait_until([&] { return p.desk_kv()["monitors"] == "3"; }));  // L, R and the screen's own
    auto kv = p.desk_kv();
    CHECK(kv["monitor"] == "all");
    int items = 1 + std::stoi(kv["monitors"]);
    int r = menu_item(kv, "R 800x600+800+0"), l = menu_item(kv, "L 800x600+0+0");
    REQUIRE(r > 0);
    REQUIRE(l > 0);
    std::string record = kv["record"];
    REQUIRE(!record.empty());

    p.dw.click(kDeskScale);  // 1:1: every pixel as on her screen
    pick_monitor(p.dw, r, items);
    REQUIRE(wait_status(p.desk_status, "monitor", "R"));
    CHECK(picture_is(customer.name(), p.dw, 800, 800, 600));  // the right monitor, at the window's left
    screenshot(supporter.name(), "toolbox-windows-" + tag + "-right");

    // A window on the right monitor only; the supporter clicks at (150, 120)
    // of the picture: root (950, 120), (50, 20) in the window.
    EventRecorder rec(customer.name(), 900, 100, 300, 200);
    p.grant_control();
    p.dw.click({150, kDeskBar + 120});
    REQUIRE(wait_until([&] { return rec.saw_button(1); }));
    auto ev = rec.events();
    REQUIRE(!ev.empty());
    CHECK(ev.back().x == 50);
    CHECK(ev.back().y == 20);
    int mx, my;
    pointer_at(customer.name(), mx, my);
    CHECK(mx == 950);
    CHECK(my == 120);
    // The recorder's own color is now in the desk's picture at the same place.
    CHECK(picture_is(customer.name(), p.dw, 800, 800, 600));

    pick_monitor(p.dw, l, items);
    REQUIRE(wait_status(p.desk_status, "monitor", "L"));
    // Her pointer stays on R: L's picture has no pointer (it stayed drawn at
    // R's (150, 120) before the fix, 168 pixels).
    CHECK(picture_is(customer.name(), p.dw, 0, 800, 600));
    pick_monitor(p.dw, 0, items);  // back to all
    REQUIRE(wait_status(p.desk_status, "monitor", "all"));
    CHECK(picture_is(customer.name(), p.dw, 0, 1000, 600));  // 1600 wide: the window shows the left 1000+
    screenshot(supporter.name(), "toolbox-windows-" + tag + "-all");

    // The same session throughout: one record file, one connection on each side.
    kv = p.desk_kv();
    CHECK(kv["record"] == record);
    CHECK(kv["phase"] == "connected");
    CHECK(kv["control"] == "on");
    std::ifstream rf(record);
    std::string line;
    int starts = 0, peers = 0;
    while (std::getline(rf, line)) {
        starts += contains(line, "\"event\":\"start\"");
        peers += contains(line, "\"event\":\"peer\"");
    }
    CHECK(starts == 1);
    CHECK(peers == 1);
    CHECK(count_lines(p.client_kv(), "record.", "Connected to Supporter") == 1);
}

// ---- keyboard ----

// Presses and releases the keys of the display's own layout that carry
// `keysyms` (held in order, released in reverse), as a person on that
// keyboard does. xdotool is not used for keys its layout has only as dead
// keys: it types them on a spare keycode it maps and unmaps at once, and a
// loaded desk reads the event after the unmapping (keysym 0).
void press_keys(const std::string& display, const std::vector<KeySym>& keysyms) {
    Display* d = XOpenDisplay(display.c_str());
    REQUIRE(d);
    std::vector<KeyCode> codes;
    for (KeySym ks : keysyms) {
        codes.push_back(XKeysymToKeycode(d, ks));
        REQUIRE(codes.back() != 0);  // on the layout
    }
    for (KeyCode c : codes) XTestFakeKeyEvent(d, c, True, CurrentTime);
    for (auto it = codes.rbegin(); it != codes.rend(); ++it) XTestFakeKeyEvent(d, *it, False, CurrentTime);
    XSync(d, False);
    XCloseDisplay(d);
    std::this_thread::sleep_for(60ms);
}

void keyboard_case(std::chrono::milliseconds customer_delay) {
    Xvfb customer(800, 600), supporter(1100, 860);
    paint(customer.name(), make_pattern(800, 600, 2));
    REQUIRE(run({"setxkbmap", "-display", customer.name(), "us"}) == 0);  // no é, ê, € keys
    REQUIRE(run({"setxkbmap", "-display", supporter.name(), "de"}) == 0);
    std::string before = mapping_dump(customer.name());
    WindowPair p(customer.name(), supporter.name(), customer_delay, {"--no-session-record"});
    // Her application (focused), reading keys with an input method as GTK does.
    auto app = std::make_unique<KeyRecorder>(customer.name(), true);
    KeyRecorder& rec = *app;
    // A click in the picture focuses the desk's viewer (no control yet: it only tells why).
    p.dw.click({600, kDeskBar + 450});
    p.grant_control();
    rec.clear();
    auto type = [&](const std::string& text) { REQUIRE(xdotool(supporter.name(), {"type", "--delay", "60", text}) == 0); };
    auto key = [&](const std::string& keys) { REQUIRE(xdotool(supporter.name(), {"key", "--delay", "60", keys}) == 0); };
    type("z");                        // the German key where a US keyboard has Y
    press_keys(supporter.name(), {XK_dead_acute});  // the German dead key ´, then e: é (no key on US)
    press_keys(supporter.name(), {XK_e});
    key("ISO_Level3_Shift+q");        // AltGr+Q: '@' (Shift+2 on her US layout)
    key("ISO_Level3_Shift+e");        // AltGr+E: '€', which her layout lacks
    press_keys(supporter.name(), {XK_dead_circumflex});  // ^ then e: ê
    press_keys(supporter.name(), {XK_e});
    type("A");
    // The keys as sent: the desk composes nothing, the dead keys go as they
    // are (docs/SCREEN.md) on spare keycodes of her US layout; her
    // application's input method composes them as on the supporter's side.
    CHECK(rec.got({XK_z, XK_dead_acute, XK_e, XK_at, 0x010020ac, XK_dead_circumflex, XK_e, XK_A}));
    CHECK(rec.got_text("zé@€êA"));
    screenshot(supporter.name(), "toolbox-windows-keyboard-desk");

    // Her Disconnect ends the session; the temporary mappings are undone.
    app.reset();  // closed: it covers her window's Disconnect
    REQUIRE(p.cw.click_until(kClientDisconnect, [&] { return p.client_kv()["active"] == "no"; }));
    CHECK(wait_until([&] { return mapping_dump(customer.name()) == before; }, 10s));
    CHECK(mapping_dump(customer.name()) == before);
}

// ---- clipboard ----

// The clipboard's text on `display` as xclip reads it; nullopt when nobody owns it.
std::optional<std::string> xclip_out(const std::string& display, const std::string& file) {
    if (run({"sh", "-c", "xclip -o -selection clipboard -target UTF8_STRING > '" + file + "'"},
            {"DISPLAY=" + display}) != 0)
        return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// xclip on `display` owning the clipboard with the bytes of `file`.
std::unique_ptr<Process> xclip_in(const std::string& display, const std::string& file) {
    return std::make_unique<Process>(std::vector<std::string>{"xclip", "-quiet", "-selection", "clipboard", "-i", file},
                                     std::vector<std::string>{"DISPLAY=" + display});
}

std::string write_text(const std::string& path, std::size_t n, char seed) {
    std::string s;
    const std::string word = "Grüße €-";  // multi-byte UTF-8 throughout
    for (std::size_t i = 0; s.size() < n; ++i) s += (i % 97 == 0) ? std::string(1, seed) + "\n" : word;
    s.resize(n);
    std::ofstream(path, std::ios::binary) << s;
    return path;
}

void clipboard_case(std::chrono::milliseconds customer_delay) {
    Xvfb customer(800, 600), supporter(1100, 860);
    paint(customer.name(), make_pattern(800, 600, 6));
    std::string dir = temp_dir(), out = dir + "/out";
    std::string small = dir + "/small.txt";
    std::ofstream(small, std::ios::binary) << "Grüße aus Köln, 5 € — ✓";
    auto owner = xclip_in(customer.name(), small);  // copied before the session
    REQUIRE(wait_until([&] { return xclip_out(customer.name(), out).has_value(); }));
    WindowPair p(customer.name(), supporter.name(), customer_delay, {"--no-session-record"});
    std::this_thread::sleep_for(1500ms);
    CHECK_FALSE(xclip_out(supporter.name(), out));  // view only: nothing crossed
    p.grant_control();
    CHECK(wait_until([&] { return xclip_out(supporter.name(), out) == std::string("Grüße aus Köln, 5 € — ✓"); }, 10s));

    std::string half = write_text(dir + "/half.txt", 512 * 1024, 'h');
    auto half_owner = xclip_in(customer.name(), half);
    std::string want = files::sha256_file_hex(half);
    CHECK(wait_until([&] { return xclip_out(supporter.name(), out) && files::sha256_file_hex(out) == want; }, 20s));

    std::string two = write_text(dir + "/two.txt", 2 * 1024 * 1024, 't');
    auto two_owner = xclip_in(customer.name(), two);
    CHECK(wait_until([&] { return contains(p.client_kv()["status"], "(2.0 MiB) was not sent to the supporter"); }, 20s));
    CHECK(wait_until([&] { return contains(p.desk_kv()["status"], "(2.0 MiB) is too large to share"); }, 20s));
    INFO(p.client_kv()["status"]);
    INFO(p.desk_kv()["status"]);
    CHECK(contains(p.client_kv()["status"], "at most 1 MiB"));
    screenshot(customer.name(), "toolbox-windows-clipboard-refused-customer");
    screenshot(supporter.name(), "toolbox-windows-clipboard-refused-desk");
    REQUIRE(xclip_out(supporter.name(), out));
    CHECK(files::sha256_file_hex(out) == want);  // the last text that fitted stays
}

}  // namespace

TEST_CASE("monitors in the desk window: R picked from the menu, its pixels, a click on it, back to all",
          "[toolbox_monitors_windows]") {
    monitors_case(0ms, "monitors");
}

TEST_CASE("monitors in the desk window, the customer 3 s late", "[toolbox_monitors_windows_late]") {
    monitors_case(3000ms, "monitors-late");
}

TEST_CASE("keys typed on a German desk arrive in an application on a US layout; her layout unchanged",
          "[toolbox_keyboard_windows]") {
    keyboard_case(0ms);
}

TEST_CASE("keys across layouts, the customer 3 s late", "[toolbox_keyboard_windows_late]") { keyboard_case(3000ms); }

TEST_CASE("the clipboard between the windows' displays: after F11 only, 512 KiB intact, 2 MiB refused to both",
          "[toolbox_clipboard_windows]") {
    clipboard_case(0ms);
}

TEST_CASE("the clipboard between the windows' displays, the customer 3 s late", "[toolbox_clipboard_windows_late]") {
    clipboard_case(3000ms);
}
