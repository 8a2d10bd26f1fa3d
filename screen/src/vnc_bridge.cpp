#include "screen/vnc_bridge.h"

#include <stdexcept>

#include <arpa/inet.h>
#include <rfb/rfb.h>

#include "rfb_screen.h"
#include "screen/socket_util.h"

namespace screen {
namespace {

Viewer* viewer_of(rfbClientPtr cl) { return static_cast<Viewer*>(cl->screen->screenData); }
void on_pointer(int mask, int x, int y, rfbClientPtr cl) { viewer_of(cl)->send_pointer(x, y, mask); }
void on_key(rfbBool down, rfbKeySym sym, rfbClientPtr cl) { viewer_of(cl)->send_key(sym, down); }

// Time one rfbProcessEvents may sleep: bounds how long stop() waits.
constexpr long kPollUsec = 50 * 1000;

}  // namespace

void VncBridge::start(const std::string& host, int port) {
    quiet_libvnc_logs();
    // Read-only use of the viewer's live buffer (the Viewer's layout): no copy, no extra latency.
    rfbScreenInfoPtr s = make_rfb_screen(viewer_.width(), viewer_.height(),
                                         const_cast<char*>(reinterpret_cast<const char*>(viewer_.pixels())),
                                         {&viewer_, on_pointer, on_key}, "Tether (customer's screen)");
    s->port = port;
    s->listenInterface = inet_addr(host.c_str());
    rfbInitServer(s);
    if (s->listenSock == RFB_INVALID_SOCKET) {
        rfbScreenCleanup(s);
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port));
    }
    screen_ = s;
    running_ = true;
    thread_ = std::thread([this, s] {
        while (running_) rfbProcessEvents(s, kPollUsec);
    });
}

void VncBridge::changed(desktop::Rect r) {
    if (!running_) return;
    rfbMarkRectAsModified(static_cast<rfbScreenInfoPtr>(screen_), r.x, r.y, r.x + r.w, r.y + r.h);
}

void VncBridge::stop() {
    if (!running_) return;
    running_ = false;
    thread_.join();
    auto* s = static_cast<rfbScreenInfoPtr>(screen_);
    rfbShutdownServer(s, TRUE);
    rfbScreenCleanup(s);
    screen_ = nullptr;
}

}  // namespace screen
