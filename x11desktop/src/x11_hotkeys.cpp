#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <X11/XKBlib.h>
#include <X11/Xlib.h>
#include <X11/keysym.h>
#include <poll.h>
#include <unistd.h>

#include "x11desktop/x11.h"

namespace x11desktop {
namespace {

// A passive grab matches exact modifiers, so grab each key with every
// combination of the locks people leave on: CapsLock (Lock) and NumLock (Mod2).
constexpr unsigned kLockVariants[] = {0, LockMask, Mod2Mask, LockMask | Mod2Mask};

// Xlib reports grab failures (BadAccess: another client holds the key)
// asynchronously through a process-wide handler; we install ours only around
// XSync after grabbing, serialised by this mutex.
std::mutex g_grab_mu;
std::atomic<bool> g_grab_failed{false};
int record_error(Display*, XErrorEvent*) {
    g_grab_failed = true;
    return 0;
}

class X11Hotkeys : public desktop::Hotkeys {
public:
    explicit X11Hotkeys(const std::string& name)
        : dpy_(XOpenDisplay(name.empty() ? nullptr : name.c_str())) {
        if (!dpy_) throw std::runtime_error("cannot open X display '" + name + "'");
        root_ = DefaultRootWindow(dpy_);
        f11_ = XKeysymToKeycode(dpy_, XK_F11);
        f12_ = XKeysymToKeycode(dpy_, XK_F12);
        Bool supported;
        XkbSetDetectableAutoRepeat(dpy_, True, &supported);  // no fake releases while held
        if (pipe(wake_) != 0) throw std::runtime_error("pipe failed");
    }
    ~X11Hotkeys() override {
        stop();
        ::close(wake_[0]);
        ::close(wake_[1]);
        XCloseDisplay(dpy_);
    }

    void start(Callback cb) override {
        stop();
        grab_all(true);
        cb_ = std::move(cb);
        running_ = true;
        thread_ = std::thread([this] { loop(); });
    }

    void stop() override {
        if (!running_) return;
        running_ = false;
        char b = 0;
        (void)!write(wake_[1], &b, 1);
        thread_.join();
        (void)!read(wake_[0], &b, 1);
        grab_all(false);
    }

private:
    void grab_all(bool grab) {
        std::lock_guard<std::mutex> lk(g_grab_mu);
        g_grab_failed = false;
        auto* old = XSetErrorHandler(record_error);
        for (KeyCode k : {f11_, f12_})
            for (unsigned m : kLockVariants) {
                if (grab) XGrabKey(dpy_, k, m, root_, False, GrabModeAsync, GrabModeAsync);
                else XUngrabKey(dpy_, k, m, root_);
            }
        XSync(dpy_, False);
        XSetErrorHandler(old);
        if (grab && g_grab_failed) {
            grab_all(false);
            throw std::runtime_error("another program holds F11/F12: close it to control permissions");
        }
    }

    // Waits on the X connection and the wake pipe; no polling interval.
    void loop() {
        pollfd fds[2] = {{ConnectionNumber(dpy_), POLLIN, 0}, {wake_[0], POLLIN, 0}};
        while (running_) {
            while (XPending(dpy_)) handle_next();
            if (poll(fds, 2, -1) < 0) continue;
            if (fds[1].revents) break;
        }
    }

    void handle_next() {
        XEvent ev;
        XNextEvent(dpy_, &ev);
        if (ev.type == KeyRelease) held_ = 0;
        if (ev.type != KeyPress || ev.xkey.keycode == held_) return;  // ignore repeats
        held_ = ev.xkey.keycode;
        if (ev.xkey.keycode == f11_) cb_(desktop::Hotkey::control);
        if (ev.xkey.keycode == f12_) cb_(desktop::Hotkey::files);
    }

    Display* dpy_;
    Window root_;
    KeyCode f11_, f12_;
    unsigned held_ = 0;  // keycode currently down (repeat filter)
    int wake_[2];
    std::atomic<bool> running_{false};
    std::thread thread_;
    Callback cb_;
};

}  // namespace

std::unique_ptr<desktop::Hotkeys> make_x11_hotkeys(const std::string& display) {
    return std::make_unique<X11Hotkeys>(display);
}

}  // namespace x11desktop
