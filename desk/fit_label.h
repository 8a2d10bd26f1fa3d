// Messages wrap inside their own box (issue 16: long sentences ran over the
// buttons below them). Shared by both windows.
#pragma once

#include <FL/Fl_Widget.H>

namespace desk {

// Sets `w`'s label size to the largest in [min_size, max_size] (points) at
// which its label, wrapped at the widget's width, fits its height; at
// min_size it is clipped to the box rather than drawn over its neighbours,
// its first lines shown.
// Call after changing the label or the size (FLTK thread).
void fit_label(Fl_Widget& w, int max_size, int min_size = 10);

}  // namespace desk
