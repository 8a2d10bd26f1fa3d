// desktop::MonitorSource on X11: RandR 1.5 monitors (XRRGetMonitors), which
// also covers monitors an admin defined with `xrandr --setmonitor`.
#include <stdexcept>

#include <X11/Xlib.h>
#include <X11/extensions/Xrandr.h>

#include "x11desktop/x11.h"

namespace x11desktop {
namespace {

class X11Monitors : public desktop::MonitorSource {
public:
    explicit X11Monitors(const std::string& name) : dpy_(XOpenDisplay(name.empty() ? nullptr : name.c_str())) {
        if (!dpy_) throw std::runtime_error("cannot open X display '" + name + "'");
        int ev, err, maj = 0, min = 0;
        ok_ = XRRQueryExtension(dpy_, &ev, &err) && XRRQueryVersion(dpy_, &maj, &min) && (maj > 1 || min >= 5);
    }
    ~X11Monitors() override { XCloseDisplay(dpy_); }

    std::vector<desktop::Monitor> monitors() override {
        std::vector<desktop::Monitor> out;
        if (!ok_) return out;
        int n = 0;
        XRRMonitorInfo* m = XRRGetMonitors(dpy_, DefaultRootWindow(dpy_), True, &n);
        for (int i = 0; i < n && m; ++i) {
            char* name = m[i].name != None ? XGetAtomName(dpy_, m[i].name) : nullptr;
            out.push_back({name ? name : "monitor " + std::to_string(i + 1),
                           {m[i].x, m[i].y, m[i].width, m[i].height}, m[i].primary != 0});
            if (name) XFree(name);
        }
        if (m) XRRFreeMonitors(m);
        return out;
    }

private:
    Display* dpy_;
    bool ok_ = false;
};

}  // namespace

std::unique_ptr<desktop::MonitorSource> make_x11_monitors(const std::string& display) {
    return std::make_unique<X11Monitors>(display);
}

}  // namespace x11desktop
