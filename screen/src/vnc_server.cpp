#include "screen/vnc_server.h"

#include <stdexcept>
#include <thread>

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
    auto next_grab = Clock::now();
    while (!stop_ && s->clientHead) {
        auto wait = std::chrono::duration_cast<std::chrono::microseconds>(next_grab - Clock::now());
        rfbProcessEvents(s, std::max<long>(0, wait.count()));
        if (Clock::now() < next_grab) continue;
        capture_changes(capture_, fb, scratch, s);
        next_grab = Clock::now() + kCaptureInterval;
    }
    rfbShutdownServer(s, TRUE);
    rfbScreenCleanup(s);
    pump_end->close();
    rfb.close();
    pumper.join();
    return pump_error;
}

}  // namespace screen
