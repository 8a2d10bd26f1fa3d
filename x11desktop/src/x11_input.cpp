#include <mutex>
#include <stdexcept>

#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>

#include "injected_input.h"
#include "x11_keyboard.h"
#include "x11desktop/x11.h"

namespace x11desktop {
namespace {

// RFB button mask bits map to X buttons 1..5 (left, middle, right, wheel up, down).
constexpr int kButtons = 5;

class X11Injector : public desktop::InputInjector {
public:
    // `sent` (may be null) learns every event before it goes out.
    X11Injector(const std::string& name, std::shared_ptr<InjectedInput> sent)
        : dpy_(XOpenDisplay(name.empty() ? nullptr : name.c_str())), sent_(std::move(sent)) {
        if (!dpy_) throw std::runtime_error("cannot open X display '" + name + "'");
        int ev, err, maj, min;
        if (!XTestQueryExtension(dpy_, &ev, &err, &maj, &min))
            throw std::runtime_error("the X server has no XTest extension: input cannot be injected");
        keyboard_ = std::make_unique<X11Keyboard>(dpy_, sent_);
    }
    ~X11Injector() override {
        keyboard_.reset();  // the customer's layout as it was
        XCloseDisplay(dpy_);
    }

    void pointer(int x, int y, int mask) override {
        std::lock_guard<std::mutex> lk(mu_);
        if (sent_) sent_->motion(x, y);
        XTestFakeMotionEvent(dpy_, -1, x, y, CurrentTime);
        for (int b = 0; b < kButtons; ++b) {
            bool was = buttons_ & (1 << b), now = mask & (1 << b);
            if (was != now) XTestFakeButtonEvent(dpy_, b + 1, now, CurrentTime);
        }
        buttons_ = mask;
        XFlush(dpy_);
    }

    // On the customer's layout, whatever the supporter's (x11_keyboard.h).
    void key(std::uint32_t keysym, bool down) override {
        std::lock_guard<std::mutex> lk(mu_);
        keyboard_->key(keysym, down);
    }

private:
    std::mutex mu_;
    Display* dpy_;
    std::shared_ptr<InjectedInput> sent_;
    std::unique_ptr<X11Keyboard> keyboard_;
    int buttons_ = 0;
};

}  // namespace

std::unique_ptr<desktop::InputInjector> make_x11_injector(const std::string& display) {
    return std::make_unique<X11Injector>(display, nullptr);
}

std::unique_ptr<desktop::InputInjector> make_x11_injector(const std::string& display, std::shared_ptr<InjectedInput> sent) {
    return std::make_unique<X11Injector>(display, std::move(sent));
}

}  // namespace x11desktop
