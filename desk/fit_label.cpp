#include "fit_label.h"

#include <FL/Fl.H>
#include <FL/fl_draw.H>
#include <FL/x.H>

namespace desk {
namespace {
constexpr int kInset = 4;  // px: FLTK draws an inside label this far from the box's edges
}  // namespace

void fit_label(Fl_Widget& w, int max_size, int min_size) {
    fl_open_display();  // fl_measure needs the font, hence the display
    Fl_Align a = w.align() | FL_ALIGN_WRAP | FL_ALIGN_INSIDE;
    int size = max_size;
    for (; size > min_size; --size) {
        fl_font(w.labelfont(), size);
        int mw = w.w() - 2 * kInset, mh = 0;
        fl_measure(w.label() ? w.label() : "", mw, mh, 0);
        if (mh <= w.h() - kInset && mw <= w.w()) break;
    }
    w.labelsize(size);
    // Still too long at the smallest size: its beginning stays readable (the
    // top lines) and nothing is drawn outside the box.
    a &= ~(FL_ALIGN_TOP | FL_ALIGN_BOTTOM | FL_ALIGN_CLIP);
    w.align(size == min_size ? a | FL_ALIGN_TOP | FL_ALIGN_CLIP : a);
}

}  // namespace desk
