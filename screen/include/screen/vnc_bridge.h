// Desk side `--vnc-listen`: re-serves the customer's screen, as the Viewer
// sees it, on a local RFB port so that any VNC viewer can be used. Input from
// those viewers goes to the customer like the desk's own (and meets the same
// consent check there).
#pragma once

#include <atomic>
#include <string>
#include <thread>

#include "desktop/tile_diff.h"
#include "screen/vnc_viewer.h"

namespace screen {

class VncBridge {
public:
    // `viewer` is borrowed; start() only after its first frame (size known).
    explicit VncBridge(Viewer& viewer) : viewer_(viewer) {}
    ~VncBridge() { stop(); }

    // Listens on host:port (IPv4 literal; keep it on loopback: no password).
    // Throws std::runtime_error if the port cannot be bound.
    void start(const std::string& host, int port);
    // Call from the viewer's on_update: marks the area for the bridge's viewers.
    void changed(desktop::Rect r);
    void stop();

private:
    Viewer& viewer_;
    void* screen_ = nullptr;  // rfbScreenInfoPtr, kept out of the header
    std::atomic<bool> running_{false};
    std::thread thread_;
};

}  // namespace screen
