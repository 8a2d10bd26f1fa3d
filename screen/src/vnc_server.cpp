#include "screen/vnc_server.h"

#include <stdexcept>
#include <thread>

#include <poll.h>

#include <rfb/rfb.h>

#include "rfb_screen.h"
#include "screen/socket_util.h"
#include "desktop/tile_diff.h"
#include "session/fd_stream.h"

namespace screen {
namespace {

using Clock = std::chrono::steady_clock;

// What the viewer was last given of the pointer.
struct CursorState {
    desktop::PointerShape shape;  // the last real shape (width 0: none yet)
    bool shown = true;            // on the area shown (the invisible shape not sent)
};

desktop::InputGate* gate_of(rfbClientPtr cl) { return static_cast<desktop::InputGate*>(cl->screen->screenData); }

void on_pointer(int mask, int x, int y, rfbClientPtr cl) { gate_of(cl)->pointer(x, y, mask); }
void on_key(rfbBool down, rfbKeySym sym, rfbClientPtr cl) { gate_of(cl)->key(sym, down); }

// The framebuffer is `fb` itself (0x00RRGGBB pixels, see desktop::Frame), so the
// server format says red at bit 16; viewers get it converted as they ask.
// No listeners: we hand it our socket.
rfbScreenInfoPtr make_screen(desktop::Frame& fb, desktop::InputGate& gate) {
    rfbScreenInfoPtr s = make_rfb_screen(fb.width, fb.height, reinterpret_cast<char*>(fb.pixels.data()),
                                         {&gate, on_pointer, on_key}, "Tether");
    rfbInitServer(s);
    return s;
}

// The customer's pointer as an RFB rich cursor: pixels in the server format
// (0x00RRGGBB), a 1-bit mask from alpha >= 50%, a 1-bit source (light pixels)
// for viewers that only take two-color cursors. libvncserver frees it.
rfbCursorPtr make_cursor(const desktop::PointerShape& c) {
    auto* cur = static_cast<rfbCursorPtr>(calloc(1, sizeof(rfbCursor)));
    int row = (c.width + 7) / 8;
    cur->width = c.width;
    cur->height = c.height;
    cur->xhot = c.xhot;
    cur->yhot = c.yhot;
    cur->source = static_cast<unsigned char*>(calloc(row * c.height, 1));
    cur->mask = static_cast<unsigned char*>(calloc(row * c.height, 1));
    cur->richSource = static_cast<unsigned char*>(malloc(static_cast<std::size_t>(c.width) * c.height * 4));
    auto* rich = reinterpret_cast<std::uint32_t*>(cur->richSource);
    for (int y = 0; y < c.height; ++y)
        for (int x = 0; x < c.width; ++x) {
            std::uint32_t p = c.argb[static_cast<std::size_t>(y) * c.width + x];
            rich[y * c.width + x] = p & 0xffffff;
            unsigned char bit = 0x80 >> (x % 8);
            if ((p >> 24) >= 0x80) cur->mask[y * row + x / 8] |= bit;
            if (((p >> 16 & 0xff) + (p >> 8 & 0xff) + (p & 0xff)) / 3 > 0x7f) cur->source[y * row + x / 8] |= bit;
        }
    cur->foreRed = cur->foreGreen = cur->foreBlue = 0xffff;
    cur->cleanup = cur->cleanupSource = cur->cleanupMask = cur->cleanupRichSource = TRUE;
    return cur;
}

// An invisible 2x2 shape: what the viewer draws while the pointer is on a
// monitor not shown (RFB has no "no pointer" message). Not 1x1:
// libvncserver sends an empty 1x1 cursor as 0x0, which libvncclient drops.
desktop::PointerShape invisible_shape() { return desktop::PointerShape{2, 2, 0, 0, {0u, 0u, 0u, 0u}}; }

// Viewers that asked for cursor updates get shape and position separately;
// the cursor is never painted into the picture. While the pointer is off
// the area shown (another monitor, issue 19) the viewer gets the invisible
// shape, else it would keep drawing it where it was last (on the monitor
// shown before, at that monitor's coordinates); back on, the last real one.
void update_cursor(desktop::Capture& cap, rfbScreenInfoPtr s, CursorState& st) {
    desktop::PointerShape shape;
    bool new_shape = cap.cursor_shape(shape) && shape.width > 0 && shape.height > 0;
    if (new_shape) st.shape = std::move(shape);
    int x, y;
    bool on = cap.pointer_position(x, y);
    if (on != st.shown || (new_shape && on)) {
        if (!on) rfbSetCursor(s, make_cursor(invisible_shape()));
        else if (st.shape.width > 0) rfbSetCursor(s, make_cursor(st.shape));
        st.shown = on;
    }
    if (!on || (x == s->cursorX && y == s->cursorY)) return;
    s->cursorX = x;
    s->cursorY = y;
    for (rfbClientPtr cl = s->clientHead; cl; cl = cl->next) cl->cursorWasMoved = TRUE;
}

// The picture changed size (another monitor shown, issue 19; the screen
// resized): the viewer gets DesktopSize and the whole new picture.
void resize(desktop::Frame& fb, desktop::Frame& scratch, rfbScreenInfoPtr s) {
    std::swap(fb, scratch);
    rfbNewFramebuffer(s, reinterpret_cast<char*>(fb.pixels.data()), fb.width, fb.height, 8, 3, 4);
    set_rfb_format(s);
    for (rfbClientPtr cl = s->clientHead; cl; cl = cl->next) rfbSetTranslateFunction(cl);
    rfbMarkRectAsModified(s, 0, 0, fb.width, fb.height);
}

void capture_changes(desktop::Capture& cap, desktop::Frame& fb, desktop::Frame& scratch, rfbScreenInfoPtr s) {
    if (!cap.grab(scratch)) return;
    if (scratch.width != fb.width || scratch.height != fb.height) return resize(fb, scratch, s);
    desktop::update_changed_tiles(fb, scratch, [&](desktop::Rect r) {
        rfbMarkRectAsModified(s, r.x, r.y, r.x + r.w, r.y + r.h);
    });
}

}  // namespace

// Sleeps until the viewer sends something, the screen changed (XDamage) or
// the grab interval passed; then lets libvncserver read and send at once
// (rfbProcessEvents with 0: it would otherwise sleep in its own select()).
void ScreenServer::loop(void* screen, int vnc_fd, desktop::Frame& fb, desktop::Frame& scratch) {
    auto* s = static_cast<rfbScreenInfoPtr>(screen);
    const int change_fd = capture_.change_fd();
    const auto interval = change_fd >= 0 ? kSafetyInterval : kCaptureInterval;
    auto last_grab = Clock::now() - interval, last_pointer = last_grab;
    bool pending = false;  // a change was notified and not grabbed yet
    CursorState cursor;
    while (!stop_ && s->clientHead) {
        if (Clock::now() - last_pointer >= kPointerInterval) {
            update_cursor(capture_, s, cursor);
            last_pointer = Clock::now();
        }
        auto since = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_grab);
        auto timeout = std::min((pending ? kMinGrabGap : interval) - since, kPointerInterval);
        pollfd fds[2] = {{vnc_fd, POLLIN, 0}, {change_fd, POLLIN, 0}};
        poll(fds, change_fd >= 0 && !pending ? 2 : 1, std::max<int>(0, timeout.count()));
        rfbProcessEvents(s, 0);
        if (fds[1].revents && !pending) pending = capture_.take_changes();
        since = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_grab);
        if (since < interval && !(pending && since >= kMinGrabGap)) continue;
        capture_changes(capture_, fb, scratch, s);
        last_grab = Clock::now();
        // Xlib may have queued notifications while waiting for the image.
        pending = change_fd >= 0 && capture_.take_changes();
        rfbProcessEvents(s, 0);
    }
}

std::string ScreenServer::serve(session::ByteStream& rfb) {
    quiet_libvnc_logs();
    desktop::Frame fb, scratch;
    if (!capture_.grab(fb)) return "the screen could not be read";
    auto [vnc_fd, pump_fd] = make_socketpair();
    auto pump_end = session::make_fd_stream(pump_fd);
    std::string pump_error;
    std::thread pumper([&] { pump_error = session::pump(*pump_end, rfb); });

    rfbScreenInfoPtr s = make_screen(fb, gate_);
    rfbNewClient(s, vnc_fd);  // owns vnc_fd from here
    loop(s, vnc_fd, fb, scratch);
    rfbShutdownServer(s, TRUE);
    rfbScreenCleanup(s);
    pump_end->close();
    rfb.close();
    pumper.join();
    return pump_error;
}

}  // namespace screen
