#include "updater.h"

#include <algorithm>
#include <utility>

#include "rfbserver/messages.h"

namespace rfbserver {
namespace {

desktop::Rect intersect(desktop::Rect a, desktop::Rect b) {
    int x0 = std::max(a.x, b.x), y0 = std::max(a.y, b.y);
    int x1 = std::min(a.x + a.w, b.x + b.w), y1 = std::min(a.y + a.h, b.y + b.h);
    if (x1 <= x0 || y1 <= y0) return desktop::Rect{};
    return desktop::Rect{x0, y0, x1 - x0, y1 - y0};
}

}  // namespace

bool Updater::start() { return cap_.grab(fb_); }

void Updater::start(desktop::Frame first) { fb_ = std::move(first); }

// Areas outside the requested one are not kept for later: the viewers we
// serve (libvncclient, the desk) always ask for the whole screen.
std::vector<desktop::Rect> Updater::changed_rects(const UpdateRequest& req) {
    std::vector<desktop::Rect> rects;
    desktop::Rect screen{0, 0, fb_.width, fb_.height};
    // The first answer is the start's picture as it is, without another
    // grab: what changed since is found by the next grab, against fb_.
    bool first_full = std::exchange(fresh_, false) && req.full;
    if (!first_full && cap_.take_changes() && cap_.grab(scratch_)) {
        if (scratch_.width != fb_.width || scratch_.height != fb_.height) {
            std::swap(fb_, scratch_);
            resized_ = true;
            return {desktop::Rect{0, 0, fb_.width, fb_.height}};
        }
        desktop::update_changed_tiles(fb_, scratch_, [&](desktop::Rect r) {
            desktop::Rect c = intersect(r, req.area);
            if (c.w > 0) rects.push_back(c);
        });
    }
    if (resized_) return {screen};
    if (req.full) {
        desktop::Rect c = intersect(req.area, screen);
        return c.w > 0 ? std::vector<desktop::Rect>{c} : std::vector<desktop::Rect>{};
    }
    return rects;
}

void Updater::poll_pointer() {
    if (cap_.cursor_shape(shape_) && shape_.width > 0 && shape_.height > 0) shape_owed_ = true;
    int x = 0, y = 0;
    if (cap_.pointer_position(x, y) && (x != pointer_x_ || y != pointer_y_)) {
        pointer_x_ = x;
        pointer_y_ = y;
        pointer_owed_ = true;
    }
}

std::string Updater::update(const UpdateRequest& req, const ViewerSettings& v) {
    std::vector<desktop::Rect> rects = changed_rects(req);
    poll_pointer();
    if (!v.rich_cursor) shape_owed_ = false;
    if (!v.pointer_pos) pointer_owed_ = false;
    if (rects.empty() && !shape_owed_ && !pointer_owed_ && !req.full) return "";
    return build(rects, v);
}

// DesktopSize first (the viewer resizes before it draws), then the cursor,
// then the pixels.
std::string Updater::build(const std::vector<desktop::Rect>& rects, const ViewerSettings& v) {
    if (resized_ && !v.desktop_size) throw ProtocolError("the viewer cannot follow a change of the screen's size");
    PixelConverter pc(v.format);
    bool size = resized_;
    int count = static_cast<int>(rects.size()) + (size ? 1 : 0) + (shape_owed_ ? 1 : 0) + (pointer_owed_ ? 1 : 0);
    std::string out;
    append_update_header(out, count);
    if (size) append_rect_header(out, 0, 0, fb_.width, fb_.height, kDesktopSize);
    if (shape_owed_) {
        append_rect_header(out, shape_.xhot, shape_.yhot, shape_.width, shape_.height, kRichCursor);
        encode_rich_cursor(shape_, pc, out);
    }
    if (pointer_owed_) append_rect_header(out, pointer_x_, pointer_y_, 0, 0, kPointerPos);
    for (desktop::Rect r : rects) encode_rect(r, v, pc, out);
    resized_ = shape_owed_ = pointer_owed_ = false;
    return out;
}

void Updater::encode_rect(desktop::Rect r, const ViewerSettings& v, const PixelConverter& pc, std::string& out) {
    append_rect_header(out, r.x, r.y, r.w, r.h, v.encoding);
    if (v.encoding == kZrle) {
        zrle_.set_level(v.zlib_level);
        zrle_.encode(fb_, r, pc, out);
    } else if (v.encoding == kZlib) {
        zlib_.set_level(v.zlib_level);
        zlib_.encode(fb_, r, pc, out);
    } else {
        encode_raw(fb_, r, pc, out);
    }
}

}  // namespace rfbserver
