// The X11 probes of the keyboard, clipboard and monitor tests (KeyRecorder,
// mapping_dump, set_monitor; declared in harness.h). A file of their own
// because they assert with Catch2: the rest of the harness also serves
// benchmarks (bench/screen), which do not link Catch2.
#include "harness.h"

// Before Xlib: its macros (None, Always) break Catch2.
#include <catch2/catch.hpp>

#include <clocale>
#include <fstream>
#include <sstream>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xrandr.h>

namespace screentest {

KeyRecorder::KeyRecorder(const std::string& display, bool input_method) {
    if (input_method) {  // before the connection: Xlib's input method follows the locale
        setlocale(LC_CTYPE, "C.UTF-8");
        XSetLocaleModifiers("@im=none");  // Xlib's own (compose), never a running ibus
    }
    dpy_ = XOpenDisplay(display.c_str());
    REQUIRE(dpy_);
    win_ = XCreateSimpleWindow(dpy_, DefaultRootWindow(dpy_), 0, 0, 400, 300, 0, 0, 0);
    long im_events = 0;
    if (input_method) {
        im_ = XOpenIM(dpy_, nullptr, nullptr, nullptr);
        REQUIRE(im_);
        ic_ = XCreateIC(im_, XNInputStyle, XIMPreeditNothing | XIMStatusNothing, XNClientWindow, win_,
                        XNFocusWindow, win_, nullptr);
        REQUIRE(ic_);
        XGetICValues(ic_, XNFilterEvents, &im_events, nullptr);
        XSetICFocus(ic_);
    }
    XSelectInput(dpy_, win_, KeyPressMask | ExposureMask | FocusChangeMask | im_events);
    XMapRaised(dpy_, win_);
    XSync(dpy_, False);
    REQUIRE(wait_until([&] {
        XSetInputFocus(dpy_, win_, RevertToParent, CurrentTime);
        XSync(dpy_, False);
        Window f;
        int r;
        XGetInputFocus(dpy_, &f, &r);
        return f == win_;
    }));
}

KeyRecorder::~KeyRecorder() {
    if (ic_) XDestroyIC(ic_);
    if (im_) XCloseIM(im_);
    XCloseDisplay(dpy_);
}

void KeyRecorder::read() {
    while (XPending(dpy_)) {
        XEvent ev;
        XNextEvent(dpy_, &ev);
        if (ev.type == MappingNotify) XRefreshKeyboardMapping(&ev.xmapping);
        char buf[64];
        KeySym ks = NoSymbol;
        if (ev.type == KeyPress && ev.xkey.keycode != 0) {  // keycode 0: the input method's composed character
            XKeyEvent copy = ev.xkey;
            XLookupString(&copy, buf, sizeof buf, &ks, nullptr);
            if (!IsModifierKey(ks)) keys_.push_back(ks);  // Shift, AltGr: how, not what
        }
        if (!ic_ || XFilterEvent(&ev, None) || ev.type != KeyPress) continue;  // filtered: a dead key, composing
        Status st;
        int n = Xutf8LookupString(ic_, &ev.xkey, buf, sizeof buf, &ks, &st);
        if (st == XLookupChars || st == XLookupBoth) text_.append(buf, n);
    }
}

std::vector<unsigned long> KeyRecorder::keys() {
    read();
    return keys_;
}

std::string KeyRecorder::text() {
    read();
    return text_;
}

bool KeyRecorder::got(const std::vector<unsigned long>& want) {
    wait_until([&] { return keys() == want; }, 5s);
    std::vector<unsigned long> k = keys();
    CHECK(k == want);
    return k == want;
}

bool KeyRecorder::got_text(const std::string& want) {
    wait_until([&] { return text() == want; }, 5s);
    std::string t = text();
    CHECK(t == want);
    return t == want;
}

void KeyRecorder::clear() {
    read();
    keys_.clear();
    text_.clear();
}

std::string mapping_dump(const std::string& display) {
    Display* d = XOpenDisplay(display.c_str());
    REQUIRE(d);
    int min, max, per;
    XDisplayKeycodes(d, &min, &max);
    KeySym* m = XGetKeyboardMapping(d, static_cast<KeyCode>(min), max - min + 1, &per);
    std::ostringstream out;
    for (int kc = min; kc <= max; ++kc) {
        out << kc << ':';
        for (int i = 0; i < per; ++i) out << ' ' << m[(kc - min) * per + i];
        out << '\n';
    }
    XFree(m);
    XCloseDisplay(d);
    std::string file = temp_dir() + "/keymap.xkb";
    REQUIRE(run({"xkbcomp", "-xkb", display, file}) == 0);
    std::ifstream in(file);
    out << in.rdbuf();
    return out.str();
}

void set_monitor(const std::string& display, const char* name, int x, int y, int w, int h) {
    Display* d = XOpenDisplay(display.c_str());
    REQUIRE(d);
    XRRMonitorInfo* m = XRRAllocateMonitor(d, 0);
    m->name = XInternAtom(d, name, False);
    m->x = x;
    m->y = y;
    m->width = w;
    m->height = h;
    m->mwidth = w * 254 / 960;  // 96 dpi, in mm
    m->mheight = h * 254 / 960;
    XRRSetMonitor(d, DefaultRootWindow(d), m);
    XSync(d, False);
    XRRFreeMonitors(m);
    XCloseDisplay(d);
}

}  // namespace screentest
