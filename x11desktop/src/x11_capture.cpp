#include <stdexcept>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "x11desktop/x11.h"

namespace x11desktop {
namespace {

Display* open_display(const std::string& name) {
    Display* d = XOpenDisplay(name.empty() ? nullptr : name.c_str());
    if (!d) throw std::runtime_error("cannot open X display '" + name + "'");
    return d;
}

class X11Capture : public desktop::Capture {
public:
    explicit X11Capture(const std::string& name) : dpy_(open_display(name)), events_(open_display(name)) {
        int scr = DefaultScreen(dpy_);
        root_ = RootWindow(dpy_, scr);
        w_ = DisplayWidth(dpy_, scr);
        h_ = DisplayHeight(dpy_, scr);
        if (XShmQueryExtension(dpy_)) attach_shm(scr);
        int err;
        int fixes_event, major = 4, minor = 0;
        if (XFixesQueryExtension(dpy_, &fixes_event, &err)) fixes_ = XFixesQueryVersion(dpy_, &major, &minor);
        if (XDamageQueryExtension(events_, &damage_event_, &err))
            damage_ = XDamageCreate(events_, RootWindow(events_, scr), XDamageReportNonEmpty);
        XFlush(events_);
    }
    ~X11Capture() override {
        if (shm_img_) {
            XShmDetach(dpy_, &shm_);
            XDestroyImage(shm_img_);
            shmdt(shm_.shmaddr);
        }
        XCloseDisplay(dpy_);
        XCloseDisplay(events_);
    }
    int change_fd() const override { return damage_ ? ConnectionNumber(events_) : -1; }

    // Drains the events connection; any DamageNotify means "changed".
    // Subtracting the damage re-arms the NonEmpty report for the next change.
    // Rounds until one finds nothing: xcb reads what the server sent while
    // it writes the Subtract, and a notification left in its buffer would
    // never make change_fd readable (a stall until the safety grab). The
    // last XPending flushed everything and read nothing more.
    bool take_changes() override {
        if (!damage_) return true;
        bool changed = false;
        for (bool round = true; round;) {
            round = false;
            while (XPending(events_)) {
                XEvent ev;
                XNextEvent(events_, &ev);
                if (ev.type == damage_event_ + XDamageNotify) round = true;
            }
            if (round) XDamageSubtract(events_, damage_, None, None);
            changed = changed || round;
        }
        return changed;
    }

    // XFixes gives the shape with a serial that changes with the shape.
    bool cursor_shape(desktop::PointerShape& out) override {
        if (!fixes_) return false;
        XFixesCursorImage* ci = XFixesGetCursorImage(dpy_);
        if (!ci) return false;
        bool changed = ci->cursor_serial != cursor_serial_;
        cursor_serial_ = ci->cursor_serial;
        if (changed) {
            out.width = ci->width;
            out.height = ci->height;
            out.xhot = ci->xhot;
            out.yhot = ci->yhot;
            out.argb.assign(ci->pixels, ci->pixels + ci->width * ci->height);  // longs -> 32 bits
        }
        XFree(ci);
        return changed;
    }

    bool pointer_position(int& x, int& y) override {
        Window r, child;
        int wx, wy;
        unsigned mask;
        return XQueryPointer(dpy_, root_, &r, &child, &x, &y, &wx, &wy, &mask);
    }

    int width() const override { return w_; }
    int height() const override { return h_; }

    bool grab(desktop::Frame& dst) override {
        dst.width = w_;
        dst.height = h_;
        dst.pixels.resize(static_cast<std::size_t>(w_) * h_);
        if (shm_img_) {
            if (!XShmGetImage(dpy_, root_, shm_img_, 0, 0, AllPlanes)) return false;
            convert(shm_img_, dst);
            return true;
        }
        XImage* img = XGetImage(dpy_, root_, 0, 0, w_, h_, AllPlanes, ZPixmap);
        if (!img) return false;
        convert(img, dst);
        XDestroyImage(img);
        return true;
    }

private:
    // The segment is removed at once (IPC_RMID) so it cannot leak if we crash;
    // it lives until both we and the server detach.
    void attach_shm(int scr) {
        shm_img_ = XShmCreateImage(dpy_, DefaultVisual(dpy_, scr), DefaultDepth(dpy_, scr),
                                   ZPixmap, nullptr, &shm_, w_, h_);
        if (!shm_img_) return;
        shm_.shmid = shmget(IPC_PRIVATE, shm_img_->bytes_per_line * h_, IPC_CREAT | 0600);
        shm_.shmaddr = shm_img_->data = static_cast<char*>(shmat(shm_.shmid, nullptr, 0));
        shm_.readOnly = False;
        bool ok = shm_.shmaddr != reinterpret_cast<char*>(-1) && XShmAttach(dpy_, &shm_);
        XSync(dpy_, False);
        shmctl(shm_.shmid, IPC_RMID, nullptr);
        if (!ok) {
            shm_img_->data = nullptr;
            XDestroyImage(shm_img_);
            shm_img_ = nullptr;
        }
    }

    static bool native(const XImage* img) {
        return img->bits_per_pixel == 32 && img->red_mask == 0xff0000 &&
               img->green_mask == 0xff00 && img->blue_mask == 0xff && img->byte_order == LSBFirst;
    }

    // Fast path: the X layout already is ours; else XGetPixel per pixel.
    static void convert(XImage* img, desktop::Frame& dst) {
        for (int y = 0; y < dst.height; ++y) {
            std::uint32_t* out = &dst.pixels[static_cast<std::size_t>(y) * dst.width];
            if (native(img)) {
                auto* row = reinterpret_cast<const std::uint32_t*>(img->data + y * img->bytes_per_line);
                for (int x = 0; x < dst.width; ++x) out[x] = row[x] & 0xffffff;
                continue;
            }
            for (int x = 0; x < dst.width; ++x) out[x] = XGetPixel(img, x, y) & 0xffffff;
        }
    }

    // Two connections, because a reply read on a connection also reads the
    // events queued before it into Xlib's queue, where poll() on the socket
    // no longer sees them: the pointer polling (a round trip every 30 ms) on
    // the damage connection swallowed "screen changed" until the 1 s safety
    // grab (issue 16). `events_` carries only DamageNotify and is read only
    // by take_changes(); `dpy_` does every round trip (images, pointer).
    Display* dpy_;
    Display* events_;
    Window root_;
    int w_ = 0, h_ = 0;
    XShmSegmentInfo shm_{};
    bool fixes_ = false;
    unsigned long cursor_serial_ = ~0ul;
    int damage_event_ = 0;
    Damage damage_ = 0;  // 0: no XDamage, grab periodically
    XImage* shm_img_ = nullptr;
};

}  // namespace

std::unique_ptr<desktop::Capture> make_x11_capture(const std::string& display) {
    return std::make_unique<X11Capture>(display);
}

}  // namespace x11desktop
