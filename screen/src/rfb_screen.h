// The libvncserver screen both of our servers start from: the customer's
// screen server (vnc_server.cpp) and the desk's --vnc-listen bridge
// (vnc_bridge.cpp). Internal to screen/.
#pragma once

#include <rfb/rfb.h>

namespace screen {

// Our pixel layout (0x00RRGGBB, desktop::Frame: red at bit 16), also after
// rfbNewFramebuffer set libvncserver's default again.
void set_rfb_format(rfbScreenInfoPtr s);

// What the input callbacks get as screenData, and where they send it.
struct RfbInput {
    void* data;
    rfbPtrAddEventProcPtr pointer;
    rfbKbdAddEventProcPtr key;
};

// A screen of w x h over `pixels` (not copied; our layout), not yet
// initialised (the caller sets its listeners, then rfbInitServer): updates
// sent at once (deferUpdateTime 0: latency), no painted default cursor
// (viewers get shape and position apart), shared, input to `in`. Throws
// std::runtime_error when libvncserver cannot make one.
rfbScreenInfoPtr make_rfb_screen(int w, int h, char* pixels, RfbInput in, const char* name);

}  // namespace screen
