// The customer's own mouse and keyboard on X11: XInput2 raw events on the
// root window (every device, whoever has the focus or a grab). Events from a
// real device are the customer's; events from an XTEST device are theirs
// unless they match what our injector just sent (InjectedInput): xdotool
// and on-screen keyboards use XTEST too.
#include <poll.h>

#include <atomic>
#include <cmath>
#include <set>
#include <stdexcept>
#include <thread>

#include <X11/XKBlib.h>
#include <X11/Xlib.h>
#include <X11/extensions/XInput2.h>
#include <X11/keysym.h>

#include "injected_input.h"
#include "wake_pipe.h"
#include "x11desktop/x11.h"

namespace x11desktop {
namespace {

class X11LocalInput : public desktop::LocalInput {
public:
    X11LocalInput(const std::string& name, std::shared_ptr<InjectedInput> sent)
        : name_(name), sent_(std::move(sent)) {}
    ~X11LocalInput() override { stop(); }

    void start(Callback cb) override {
        stop();
        dpy_ = XOpenDisplay(name_.empty() ? nullptr : name_.c_str());
        if (!dpy_) throw std::runtime_error("cannot open X display '" + name_ + "'");
        int opcode, ev, err, major = 2, minor = 0;
        if (!XQueryExtension(dpy_, "XInputExtension", &opcode, &ev, &err) || XIQueryVersion(dpy_, &major, &minor)) {
            XCloseDisplay(dpy_);
            dpy_ = nullptr;
            throw std::runtime_error("the X server has no XInput2: the customer's own input cannot be noticed");
        }
        xi_opcode_ = opcode;
        select_raw_events();
        reserved_ = {XKeysymToKeycode(dpy_, XK_F11), XKeysymToKeycode(dpy_, XK_F12)};
        find_xtest_devices();
        stop_ = false;
        thread_ = std::thread([this, cb = std::move(cb)] { loop(cb); });
    }

    void stop() override {
        if (!thread_.joinable()) return;
        stop_ = true;
        wake_.wake();
        thread_.join();
        wake_.drain();
        XCloseDisplay(dpy_);
        dpy_ = nullptr;
    }

private:
    void select_raw_events() {
        unsigned char bits[XIMaskLen(XI_LASTEVENT)] = {};
        XISetMask(bits, XI_RawMotion);
        XISetMask(bits, XI_RawKeyPress);
        XISetMask(bits, XI_HierarchyChanged);
        XIEventMask mask{XIAllDevices, sizeof bits, bits};
        XISelectEvents(dpy_, DefaultRootWindow(dpy_), &mask, 1);
        XFlush(dpy_);
    }

    // XTEST slave devices are named "... XTEST pointer" / "... XTEST keyboard".
    void find_xtest_devices() {
        xtest_.clear();
        int n = 0;
        XIDeviceInfo* info = XIQueryDevice(dpy_, XIAllDevices, &n);
        for (int i = 0; i < n; ++i)
            if (std::string(info[i].name).find("XTEST") != std::string::npos) xtest_.insert(info[i].deviceid);
        XIFreeDeviceInfo(info);
    }

    // An XTest move carries the screen position it asked for as its raw values.
    bool injected_motion(const XIRawEvent* e) {
        const double* v = e->raw_values;
        double xy[2] = {NAN, NAN};
        for (int axis = 0; axis < 2 && axis < e->valuators.mask_len * 8; ++axis)
            if (XIMaskIsSet(e->valuators.mask, axis)) xy[axis] = *v++;
        if (std::isnan(xy[0]) || std::isnan(xy[1])) return false;
        return sent_->was_motion(static_cast<int>(std::lround(xy[0])), static_cast<int>(std::lround(xy[1])));
    }

    // "" if the event is not the customer's, else what they did.
    std::string customer_action(const XIRawEvent* e) {
        // Each event comes once from the device that made it and once more
        // from its master (deviceid != sourceid): count it once.
        if (e->deviceid != e->sourceid) return "";
        bool xtest = xtest_.count(e->sourceid) > 0;
        if (e->evtype == XI_RawKeyPress) {
            if (reserved_.count(static_cast<unsigned>(e->detail))) return "";
            return xtest && sent_->was_key(static_cast<unsigned>(e->detail)) ? "" : "pressed a key";
        }
        if (e->evtype == XI_RawMotion) return xtest && injected_motion(e) ? "" : "moved the mouse";
        return "";
    }

    void handle(XEvent& ev, const Callback& cb) {
        if (ev.xcookie.type != GenericEvent || ev.xcookie.extension != xi_opcode_) return;
        if (!XGetEventData(dpy_, &ev.xcookie)) return;
        if (ev.xcookie.evtype == XI_HierarchyChanged) find_xtest_devices();
        else {
            std::string what = customer_action(static_cast<XIRawEvent*>(ev.xcookie.data));
            if (!what.empty()) cb(what);
        }
        XFreeEventData(dpy_, &ev.xcookie);
    }

    void loop(const Callback& cb) {
        pollfd fds[2] = {{ConnectionNumber(dpy_), POLLIN, 0}, {wake_.fd(), POLLIN, 0}};
        while (!stop_) {
            while (XPending(dpy_)) {
                XEvent ev;
                XNextEvent(dpy_, &ev);
                handle(ev, cb);
            }
            poll(fds, 2, -1);
        }
    }

    std::string name_;
    std::shared_ptr<InjectedInput> sent_;
    Display* dpy_ = nullptr;
    int xi_opcode_ = 0;
    std::set<int> xtest_;
    std::set<unsigned> reserved_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    WakePipe wake_;
};

}  // namespace

X11Input make_x11_input(const std::string& display) {
    auto sent = std::make_shared<InjectedInput>();
    return {make_x11_injector(display, sent), std::make_unique<X11LocalInput>(display, sent)};
}

}  // namespace x11desktop
