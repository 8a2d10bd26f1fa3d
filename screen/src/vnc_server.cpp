#include "screen/vnc_server.h"

#include <stdexcept>
#include <thread>

#include <poll.h>

#include <rfb/rfb.h>

#include "screen/socket_util.h"
#include "screen/tile_diff.h"

namespace screen {
namespace {

using Clock = std::chrono::steady_clock;

InputGate* gate_of(rfbClientPtr cl) { return static_cast<InputGate*>(cl->screen->screenData); }

void on_pointer(int mask, int x, int y, rfbClientPtr cl) { gate_of(cl)->pointer(x, y, mask); }
void on_key(rfbBool down, rfbKeySym sym, rfbClientPtr cl) { gate_of(cl)->key(sym, down); }

// The framebuffer is `fb` itself (0x00RRGGBB pixels, see Frame), so the
// server format says red at bit 16; viewers get it converted as they ask.
rfbScreenInfoPtr make_screen(Frame& fb, InputGate& gate) {
    rfbScreenInfoPtr s = rfbGetScreen(nullptr, nullptr, fb.width, fb.height, 8, 3, 4);
    if (!s) throw std::runtime_error("libvncserver could not make a screen");
    s->serverFormat.redShift = 16;
    s->serverFormat.greenShift = 8;
    s->serverFormat.blueShift = 0;
    s->frameBuffer = reinterpret_cast<char*>(fb.pixels.data());
    s->port = s->ipv6port = s->httpPort = -1;  // no listeners: we hand it our socket
    s->autoPort = FALSE;
    s->deferUpdateTime = 0;                    // send at once (latency)
    s->cursor = nullptr;                       // no painted default cursor
    s->alwaysShared = TRUE;
    s->ptrAddEvent = on_pointer;
    s->kbdAddEvent = on_key;
    s->screenData = &gate;
    s->desktopName = "Tether";
    rfbInitServer(s);
    return s;
}

void capture_changes(Capture& cap, Frame& fb, Frame& scratch, rfbScreenInfoPtr s) {
    if (!cap.grab(scratch) || scratch.width != fb.width || scratch.height != fb.height) return;
    update_changed_tiles(fb, scratch, [&](Rect r) {
        rfbMarkRectAsModified(s, r.x, r.y, r.x + r.w, r.y + r.h);
    });
}

}  // namespace

// Sleeps until the viewer sends something, the screen changed (XDamage) or
// the grab interval passed; then lets libvncserver read and send at once
// (rfbProcessEvents with 0: it would otherwise sleep in its own select()).
void ScreenServer::loop(void* screen, int vnc_fd, Frame& fb, Frame& scratch) {
    auto* s = static_cast<rfbScreenInfoPtr>(screen);
    const int change_fd = capture_.change_fd();
    const auto interval = change_fd >= 0 ? kSafetyInterval : kCaptureInterval;
    auto last_grab = Clock::now() - interval;
    bool pending = false;  // a change was notified and not grabbed yet
    while (!stop_ && s->clientHead) {
        auto since = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_grab);
        auto timeout = (pending ? kMinGrabGap : interval) - since;
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

std::string ScreenServer::serve(tunnel::ByteStream& rfb) {
    quiet_libvnc_logs();
    Frame fb, scratch;
    if (!capture_.grab(fb)) return "the screen could not be read";
    auto [vnc_fd, pump_fd] = make_socketpair();
    auto pump_end = tunnel::make_fd_stream(pump_fd);
    std::string pump_error;
    std::thread pumper([&] { pump_error = tunnel::pump(*pump_end, rfb); });

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
