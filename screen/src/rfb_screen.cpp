#include "rfb_screen.h"

#include <stdexcept>

namespace screen {

void set_rfb_format(rfbScreenInfoPtr s) {
    s->serverFormat.redShift = 16;
    s->serverFormat.greenShift = 8;
    s->serverFormat.blueShift = 0;
}

rfbScreenInfoPtr make_rfb_screen(int w, int h, char* pixels, RfbInput in, const char* name) {
    rfbScreenInfoPtr s = rfbGetScreen(nullptr, nullptr, w, h, 8, 3, 4);
    if (!s) throw std::runtime_error("libvncserver could not make a screen");
    set_rfb_format(s);
    s->frameBuffer = pixels;
    s->port = s->ipv6port = s->httpPort = -1;  // no listeners unless the caller sets a port
    s->autoPort = FALSE;
    s->deferUpdateTime = 0;
    s->cursor = nullptr;
    s->alwaysShared = TRUE;
    s->ptrAddEvent = in.pointer;
    s->kbdAddEvent = in.key;
    s->screenData = in.data;
    s->desktopName = name;
    return s;
}

}  // namespace screen
