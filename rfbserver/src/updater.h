// The picture side of one connection: what the viewer has, what changed
// since, and the FramebufferUpdate that brings it up to date.
#pragma once

#include <string>
#include <vector>

#include "desktop/platform.h"
#include "rfbserver/encodings.h"
#include "rfbserver/server.h"

namespace rfbserver {

// Used by one thread (the server's update loop); borrows the capture.
class Updater {
public:
    explicit Updater(desktop::Capture& cap) : cap_(cap), zrle_(6), zlib_(6) {}
    // The first grab; false if the screen cannot be read. With `first`
    // (a grab just made by the caller), no grab: under wine one costs
    // 0.4-0.5 s of the first frame at load 20.
    bool start();
    void start(desktop::Frame first);
    const desktop::Frame& frame() const { return fb_; }
    // Grabs the screen and returns the update that answers `req` for a
    // viewer with `v`, or "" while there is nothing to send.
    std::string update(const UpdateRequest& req, const ViewerSettings& v);

private:
    std::vector<desktop::Rect> changed_rects(const UpdateRequest& req);
    void poll_pointer();
    std::string build(const std::vector<desktop::Rect>& rects, const ViewerSettings& v);
    void encode_rect(desktop::Rect r, const ViewerSettings& v, const PixelConverter& pc, std::string& out);

    desktop::Capture& cap_;
    desktop::Frame fb_, scratch_;  // fb_: what the viewer has once the last update arrived
    ZrleEncoder zrle_;
    ZlibEncoder zlib_;
    bool resized_ = false;         // a DesktopSize is owed
    bool fresh_ = true;            // nothing sent yet: fb_ is the start's grab
    desktop::PointerShape shape_;
    bool shape_owed_ = false;
    int pointer_x_ = -1, pointer_y_ = -1;
    bool pointer_owed_ = false;
};

}  // namespace rfbserver
