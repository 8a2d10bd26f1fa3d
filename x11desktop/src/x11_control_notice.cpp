// The bar the customer cannot miss while someone controls their computer:
// an override-redirect window across the top of the screen (no window
// manager decides where it goes or hides it), raised again whenever any
// other window is mapped, moved or restacked, so a full-screen window does
// not cover it. Own X connection and thread, so it works headless too.
#include <poll.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include "x11desktop/x11.h"
#include "wake_pipe.h"

namespace x11desktop {
namespace {

constexpr int kBarHeight = 40;         // px: tall enough for 16 px text and a button
constexpr int kButtonWidth = 110;      // px: the Stop button at the right end
constexpr unsigned long kOrange = 0xE05A00;  // the "control on" color of both windows
constexpr unsigned long kWhite = 0xFFFFFF;

class X11ControlNotice : public desktop::ControlNotice {
public:
    explicit X11ControlNotice(const std::string& name) : dpy_(XOpenDisplay(name.empty() ? nullptr : name.c_str())) {
        if (!dpy_) throw std::runtime_error("cannot open X display '" + name + "'");
        int scr = DefaultScreen(dpy_);
        width_ = DisplayWidth(dpy_, scr);
        font_ = load_font();
        make_window(scr);
        thread_ = std::thread([this] { loop(); });
    }
    ~X11ControlNotice() override {
        stop_ = true;
        wake();
        thread_.join();
        if (font_) XFreeFont(dpy_, font_);
        XDestroyWindow(dpy_, win_);
        XCloseDisplay(dpy_);
    }

    void show(const std::string& supporter, std::function<void()> on_stop) override {
        std::lock_guard<std::mutex> lk(mu_);
        text_ = (supporter.empty() ? std::string("Your supporter") : supporter) +
                " is controlling your computer. Move your mouse or press a key to take control back.";
        on_stop_ = std::move(on_stop);
        visible_ = true;
        wake();
    }
    void hide() override {
        std::lock_guard<std::mutex> lk(mu_);
        visible_ = false;
        wake();
    }

private:
    void wake() { wake_.wake(); }

    void make_window(int scr) {
        XSetWindowAttributes a{};
        a.override_redirect = True;
        a.background_pixel = kOrange;
        a.event_mask = ExposureMask | ButtonPressMask | VisibilityChangeMask;
        win_ = XCreateWindow(dpy_, RootWindow(dpy_, scr), 0, 0, width_, kBarHeight, 0, CopyFromParent,
                             InputOutput, CopyFromParent, CWOverrideRedirect | CWBackPixel | CWEventMask, &a);
        XStoreName(dpy_, win_, "Tether: remote control is on");
        // Another window appearing or restacking is our cue to go back on top.
        XSelectInput(dpy_, RootWindow(dpy_, scr), SubstructureNotifyMask);
    }

    // Core X fonts, not Xft: Xft and Xrender keep per-connection caches that
    // broke the next connection opened in the same process (a garbage
    // request on a fresh connection), and this window opens one per session.
    // The first font the server has wins; "fixed" is always there.
    XFontStruct* load_font() {
        for (const char* name : {"-*-helvetica-bold-r-normal--17-*-*-*-*-*-iso8859-1",
                                 "-*-dejavu sans-bold-r-normal--17-*-*-*-*-*-iso8859-1", "10x20", "9x15bold", "fixed"})
            if (XFontStruct* f = XLoadQueryFont(dpy_, name)) return f;
        return nullptr;
    }

    // Core fonts draw Latin-1: other bytes of a UTF-8 name become '?'.
    void text(const std::string& s, int x, int y, unsigned long rgb) {
        if (!font_) return;
        std::string ascii = s;
        for (char& c : ascii)
            if (static_cast<unsigned char>(c) >= 0x80) c = '?';
        GC gc = DefaultGC(dpy_, DefaultScreen(dpy_));
        XSetFont(dpy_, gc, font_->fid);
        XSetForeground(dpy_, gc, rgb);  // TrueColor: the pixel value is the color
        XDrawString(dpy_, win_, gc, x, y, ascii.data(), static_cast<int>(ascii.size()));
    }

    void paint(const std::string& message) {
        GC gc = DefaultGC(dpy_, DefaultScreen(dpy_));
        XClearWindow(dpy_, win_);
        int bx = width_ - kButtonWidth - 8;
        XSetForeground(dpy_, gc, kWhite);
        XFillRectangle(dpy_, win_, gc, bx, 5, kButtonWidth, kBarHeight - 10);
        text(message, 12, 26, kWhite);
        int stop_w = font_ ? XTextWidth(font_, "Stop", 4) : 0;
        text("Stop", bx + (kButtonWidth - stop_w) / 2, 26, kOrange);
        XFlush(dpy_);
    }

    bool on_button(int x) const { return x >= width_ - kButtonWidth - 8 && x < width_ - 8; }

    // Applies the wanted state (shown or not, the text).
    void apply(bool& shown) {
        std::lock_guard<std::mutex> lk(mu_);
        if (visible_ && !shown) XMapRaised(dpy_, win_);
        if (!visible_ && shown) XUnmapWindow(dpy_, win_);
        shown = visible_;
        if (shown) paint(text_);
        XFlush(dpy_);
    }

    void handle(const XEvent& ev, bool shown) {
        if (!shown) return;
        if (ev.type == Expose && ev.xexpose.count == 0) {
            std::lock_guard<std::mutex> lk(mu_);
            paint(text_);
        }
        bool covered = ev.type == VisibilityNotify && ev.xvisibility.state != VisibilityUnobscured;
        bool other = (ev.type == MapNotify || ev.type == ConfigureNotify) && ev.xany.window != win_ &&
                     ev.xmap.window != win_;
        if (covered || other) XRaiseWindow(dpy_, win_);
        if (ev.type == ButtonPress && ev.xbutton.window == win_ && on_button(ev.xbutton.x)) {
            std::function<void()> cb;
            {
                std::lock_guard<std::mutex> lk(mu_);
                cb = on_stop_;
            }
            if (cb) cb();
        }
    }

    void loop() {
        bool shown = false;
        pollfd fds[2] = {{ConnectionNumber(dpy_), POLLIN, 0}, {wake_.fd(), POLLIN, 0}};
        while (!stop_) {
            if (fds[1].revents) {
                wake_.drain();
                apply(shown);
            }
            while (XPending(dpy_)) {
                XEvent ev;
                XNextEvent(dpy_, &ev);
                handle(ev, shown);
            }
            XFlush(dpy_);
            fds[0].revents = fds[1].revents = 0;
            poll(fds, 2, -1);
        }
    }

    Display* dpy_;
    int width_ = 0;
    Window win_ = 0;
    XFontStruct* font_ = nullptr;
    std::mutex mu_;  // guards the wanted state below
    bool visible_ = false;
    std::string text_;
    std::function<void()> on_stop_;
    std::atomic<bool> stop_{false};
    WakePipe wake_;  // before thread_: the thread polls it
    std::thread thread_;
};

}  // namespace

std::unique_ptr<desktop::ControlNotice> make_x11_control_notice(const std::string& display) {
    return std::make_unique<X11ControlNotice>(display);
}

}  // namespace x11desktop
