// Draws the customer's screen scaled to the widget (fit) or 1:1 (inside an
// Fl_Scroll), and turns mouse and keyboard events into RFB input.
#pragma once

#include <FL/Fl_Widget.H>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "desk_app.h"

namespace desk {

class ViewerWidget : public Fl_Widget {
public:
    ViewerWidget(App& app, int x, int y, int w, int h);

    // Viewer thread: keep our own RGB copy so drawing never waits for the network.
    void resize_frame(int w, int h);
    // FLTK thread, after the session ended: forget the picture and the pointer.
    void clear_frame();
    void copy_rect(const std::uint32_t* src, desktop::Rect r);

    // Viewer thread: the customer's pointer (drawn over the picture).
    void set_cursor(const screen::RemoteCursor& c);
    void set_fit(bool fit) { fit_ = fit; }
    bool fit() const { return fit_; }
    int frame_w() const { return fw_; }
    int frame_h() const { return fh_; }

    void draw() override;
    int handle(int event) override;

private:
    bool to_frame(int ex, int ey, int& fx, int& fy) const;
    void send_pointer_event();
    void draw_scaled();
    void draw_cursor(double scale);

    App& app_;
    std::mutex mu_;
    std::vector<unsigned char> rgb_;  // fw_ * fh_ * 3
    int fw_ = 0, fh_ = 0;
    bool fit_ = true;
    std::vector<unsigned char> scaled_;  // scratch for draw_scaled
    std::map<int, std::uint32_t> keys_down_;
    screen::RemoteCursor cursor_;           // guarded by mu_
    std::vector<unsigned char> cursor_rgba_;  // shape as RGBA bytes for Fl_RGB_Image  // FLTK key -> keysym sent on press
};

}  // namespace desk
