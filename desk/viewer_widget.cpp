#include "viewer_widget.h"

#include "scale.h"

#include "dropped_files.h"

#include <FL/Fl.H>
#include <FL/Fl_RGB_Image.H>
#include <FL/fl_draw.H>
#include <FL/fl_utf8.h>
#include <algorithm>
#include <cstring>

namespace desk {
namespace {

// The code point of `text` when it is exactly one UTF-8 character, else 0.
std::uint32_t one_character(const char* text) {
    if (!text || !text[0]) return 0;
    int len = 0;
    unsigned cp = fl_utf8decode(text, text + std::strlen(text), &len);
    return text[len] == 0 ? cp : 0;
}

// FLTK's key numbers for special keys are X keysyms already (FL_Escape is
// XK_Escape...); printable keys are taken from the typed text (so Shift+a
// gives 'A', as RFB expects, AltGr+Q on a German keyboard '@', and a dead
// key and a letter composed by the input method 'é'): Latin-1 is its own
// keysym, any other character 0x01000000 + U (the customer's side finds it
// on its own layout, x11_keyboard.h).
std::uint32_t keysym_of(int key, const char* text) {
    std::uint32_t cp = one_character(text);
    if (cp >= 0x20 && cp != 0x7f) return cp < 0x100 ? cp : 0x01000000 + cp;
    if (key >= FL_KP && key <= FL_KP_Last) return 0xff80 + (key - FL_KP);  // XK_KP_*
    return static_cast<std::uint32_t>(key);
}

int rfb_buttons() {
    int s = Fl::event_state();
    return (s & FL_BUTTON1 ? 1 : 0) | (s & FL_BUTTON2 ? 2 : 0) | (s & FL_BUTTON3 ? 4 : 0);
}

}  // namespace

ViewerWidget::ViewerWidget(App& app, int x, int y, int w, int h) : Fl_Widget(x, y, w, h), app_(app) {}

void ViewerWidget::resize_frame(int w, int h) {
    std::lock_guard<std::mutex> lk(mu_);
    fw_ = w;
    fh_ = h;
    rgb_.assign(static_cast<std::size_t>(w) * h * 3, 0);
}

void ViewerWidget::clear_frame() {
    std::lock_guard<std::mutex> lk(mu_);
    fw_ = fh_ = 0;
    rgb_.clear();
    rgb_.shrink_to_fit();
    scaled_.clear();
    cursor_ = {};
    cursor_rgba_.clear();
}

void ViewerWidget::copy_rect(const std::uint32_t* src, desktop::Rect r) {
    std::lock_guard<std::mutex> lk(mu_);
    for (int y = r.y; y < r.y + r.h && y < fh_; ++y)
        for (int x = r.x; x < r.x + r.w && x < fw_; ++x) {
            std::uint32_t p = src[static_cast<std::size_t>(y) * fw_ + x];
            unsigned char* d = &rgb_[(static_cast<std::size_t>(y) * fw_ + x) * 3];
            d[0] = (p >> 16) & 0xff;
            d[1] = (p >> 8) & 0xff;
            d[2] = p & 0xff;
        }
}

void ViewerWidget::set_cursor(const screen::RemoteCursor& c) {
    std::lock_guard<std::mutex> lk(mu_);
    bool new_shape = c.shape.argb.size() != cursor_.shape.argb.size() || c.shape.argb != cursor_.shape.argb;
    cursor_ = c;
    if (!new_shape) return;
    cursor_rgba_.resize(c.shape.argb.size() * 4);
    for (std::size_t i = 0; i < c.shape.argb.size(); ++i) {
        std::uint32_t p = c.shape.argb[i];
        unsigned char* d = &cursor_rgba_[i * 4];
        d[0] = p >> 16 & 0xff;
        d[1] = p >> 8 & 0xff;
        d[2] = p & 0xff;
        d[3] = p >> 24 & 0xff;
    }
}

void ViewerWidget::draw() {
    fl_rectf(x(), y(), w(), h(), FL_BLACK);
    std::lock_guard<std::mutex> lk(mu_);
    if (fw_ == 0) return;
    if (!fit_) fl_draw_image(rgb_.data(), x(), y(), fw_, fh_, 3);
    else draw_scaled();
    draw_cursor(fit_ ? std::min(static_cast<double>(w()) / fw_, static_cast<double>(h()) / fh_) : 1.0);
}

// The shape at its own size, its hot spot on the scaled position.
void ViewerWidget::draw_cursor(double scale) {
    const auto& s = cursor_.shape;
    if (s.width == 0 || cursor_.x < 0) return;
    Fl_RGB_Image img(cursor_rgba_.data(), s.width, s.height, 4);
    img.draw(x() + static_cast<int>(cursor_.x * scale) - s.xhot, y() + static_cast<int>(cursor_.y * scale) - s.yhot);
}

// Area-averaged into the widget, keeping the aspect ratio (scale.h).
void ViewerWidget::draw_scaled() {
    double s = std::min(static_cast<double>(w()) / fw_, static_cast<double>(h()) / fh_);
    int dw = std::max(1, static_cast<int>(fw_ * s)), dh = std::max(1, static_cast<int>(fh_ * s));
    scale_area(rgb_, fw_, fh_, scaled_, dw, dh);
    fl_draw_image(scaled_.data(), x(), y(), dw, dh, 3);
}

bool ViewerWidget::to_frame(int ex, int ey, int& fx, int& fy) const {
    if (fw_ == 0) return false;
    double s = fit_ ? std::min(static_cast<double>(w()) / fw_, static_cast<double>(h()) / fh_) : 1.0;
    fx = static_cast<int>((ex - x()) / s);
    fy = static_cast<int>((ey - y()) / s);
    return fx >= 0 && fy >= 0 && fx < fw_ && fy < fh_;
}

void ViewerWidget::send_pointer_event() {
    int fx, fy;
    if (to_frame(Fl::event_x(), Fl::event_y(), fx, fy)) app_.send_pointer(fx, fy, rfb_buttons());
}

int ViewerWidget::handle(int event) {
    switch (event) {
    case FL_ENTER:
    case FL_FOCUS:
    case FL_UNFOCUS: return 1;
    case FL_PUSH: Fl::focus(this); send_pointer_event(); return 1;
    case FL_RELEASE:
    case FL_DRAG:
    case FL_MOVE: send_pointer_event(); return 1;
    case FL_MOUSEWHEEL: {
        int fx, fy, bit = Fl::event_dy() < 0 ? 8 : 16;  // RFB buttons 4/5
        if (!to_frame(Fl::event_x(), Fl::event_y(), fx, fy)) return 1;
        app_.send_pointer(fx, fy, rfb_buttons() | bit);
        app_.send_pointer(fx, fy, rfb_buttons());
        return 1;
    }
    case FL_KEYDOWN: {
        // The release must carry the same keysym as the press (Shift may be up by then).
        std::uint32_t sym = keysym_of(Fl::event_key(), Fl::event_text());
        keys_down_[Fl::event_key()] = sym;
        app_.send_key(sym, true);
        return 1;
    }
    case FL_KEYUP: {
        auto it = keys_down_.find(Fl::event_key());
        app_.send_key(it != keys_down_.end() ? it->second : keysym_of(Fl::event_key(), nullptr), false);
        if (it != keys_down_.end()) keys_down_.erase(it);
        return 1;
    }
    // Files dragged onto the customer's screen are sent to the customer.
    // Accepting ENTER/DRAG/RELEASE makes FLTK fetch the data (XdndSelection
    // on X11) and deliver it as FL_PASTE to this widget.
    case FL_DND_ENTER:
    case FL_DND_DRAG:
    case FL_DND_LEAVE:
    case FL_DND_RELEASE: return 1;
    case FL_PASTE:
        for (const auto& path : dropped_paths(std::string(Fl::event_text(), Fl::event_length())))
            app_.send_file(path);
        return 1;
    }
    return Fl_Widget::handle(event);
}

}  // namespace desk
