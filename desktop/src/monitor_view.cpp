#include "desktop/monitor_view.h"

#include <algorithm>
#include <cstring>

namespace desktop {

std::vector<Monitor> MonitorView::monitors() { return source_ ? source_->monitors() : std::vector<Monitor>{}; }

bool MonitorView::select(int index) {
    Rect area;
    if (index != kAll) {
        auto list = monitors();
        if (index < 0 || index >= static_cast<int>(list.size())) return false;
        area = list[index].area;
    }
    std::lock_guard<std::mutex> lk(mu_);
    index_ = index;
    area_ = area;
    return true;
}

int MonitorView::selected() const {
    std::lock_guard<std::mutex> lk(mu_);
    return index_;
}

void MonitorView::origin(int& x, int& y) const {
    std::lock_guard<std::mutex> lk(mu_);
    x = area_.x;
    y = area_.y;
}

int MonitorView::width() const {
    std::lock_guard<std::mutex> lk(mu_);
    return area_.w > 0 ? area_.w : inner_.width();
}

int MonitorView::height() const {
    std::lock_guard<std::mutex> lk(mu_);
    return area_.h > 0 ? area_.h : inner_.height();
}

// The area is clipped to the screen (a monitor may reach past it while the
// screen is being resized).
bool MonitorView::grab(Frame& dst) {
    Rect a;
    {
        std::lock_guard<std::mutex> lk(mu_);
        a = area_;
    }
    if (a.w <= 0 || a.h <= 0) return inner_.grab(dst);
    if (!inner_.grab(whole_)) return false;
    a.x = std::clamp(a.x, 0, whole_.width);
    a.y = std::clamp(a.y, 0, whole_.height);
    a.w = std::min(a.w, whole_.width - a.x);
    a.h = std::min(a.h, whole_.height - a.y);
    if (a.w <= 0 || a.h <= 0) return false;
    dst.width = a.w;
    dst.height = a.h;
    dst.pixels.resize(static_cast<std::size_t>(a.w) * a.h);
    for (int y = 0; y < a.h; ++y)
        std::memcpy(&dst.pixels[static_cast<std::size_t>(y) * a.w],
                    &whole_.pixels[static_cast<std::size_t>(a.y + y) * whole_.width + a.x], a.w * 4);
    return true;
}

// A pointer on another monitor than the one shown is not in the picture.
bool MonitorView::pointer_position(int& x, int& y) {
    if (!inner_.pointer_position(x, y)) return false;
    Rect a;
    {
        std::lock_guard<std::mutex> lk(mu_);
        a = area_;
    }
    if (a.w <= 0 || a.h <= 0) return true;
    x -= a.x;
    y -= a.y;
    return x >= 0 && y >= 0 && x < a.w && y < a.h;
}

void MonitorInjector::pointer(int x, int y, int mask) {
    int ox, oy;
    view_.origin(ox, oy);
    inner_.pointer(x + ox, y + oy, mask);
}

}  // namespace desktop
