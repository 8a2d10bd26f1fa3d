// A small RFB 3.8 server for one viewer over a session::ByteStream (the mux
// channel `rfb`), driven by a desktop::Capture, its input through the
// consent gate. Portable (Linux and Windows): no sockets, no libvncserver.
// What it supports and why it exists: docs/SCREEN.md "The Windows screen
// server".
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "desktop/input_gate.h"
#include "desktop/platform.h"
#include "rfbserver/messages.h"
#include "session/byte_stream.h"

namespace rfbserver {

struct ServerOptions {
    std::string name = "Tether";  // the desktop name in ServerInit
    // While the viewer waits for a change, the screen is grabbed and
    // compared by tiles this often: 16 ms (60 Hz) keeps a change's delay
    // near one frame; a GDI grab of 1920x1080 takes ~5-15 ms.
    std::chrono::milliseconds poll_interval{16};
    // Told each step of the way to the first update ("start", "grabbed",
    // "handshake", "request", "encoded N", "sent"), on serve()'s thread:
    // the phases of the supporter's first frame (bench/winclient). Empty:
    // nothing is told.
    std::function<void(const std::string&)> trace;
};

// What the viewer said it can take (SetEncodings), and its pixel format.
struct ViewerSettings {
    PixelFormat format = frame_format();
    std::int32_t encoding = 0;  // the first of Raw, Zlib, ZRLE in its list (Raw if none)
    bool rich_cursor = false, pointer_pos = false, desktop_size = false;
    int zlib_level = 6;  // its CompressLevel pseudo-encoding; zlib's default otherwise
};
ViewerSettings settings_from(const std::vector<std::int32_t>& encodings, const PixelFormat& format);

// The viewer's latest FramebufferUpdateRequest not yet answered.
struct UpdateRequest {
    bool pending = false;
    bool full = false;  // non-incremental: send the area whatever changed
    desktop::Rect area;
};

// One viewer connection: construct, serve() once. Thread-safety: serve() on
// one thread, stop() from any thread. Capture and gate are borrowed and
// must outlive serve(); the capture is used only by serve()'s thread.
class Server {
public:
    Server(desktop::Capture& capture, desktop::InputGate& gate, ServerOptions opts = {})
        : capture_(capture), gate_(gate), opts_(std::move(opts)) {}

    // Handshake, then updates until the viewer leaves or stop(). Closes the
    // stream before it returns. Returns "" when the viewer closed or stop()
    // was called, else why it ended (a protocol error or the stream's).
    std::string serve(session::ByteStream& viewer);
    // The same, starting from `first`, a grab the caller has just made
    // (the server's own first grab is then skipped).
    std::string serve(session::ByteStream& viewer, desktop::Frame first);
    void stop();

    std::uint64_t updates_sent() const;

private:
    std::string serve(session::ByteStream& viewer, desktop::Frame* first);
    void read_loop(session::ByteStream& s);
    void apply(const ClientMessage& m);
    // Blocks until a request waits and a grab is due, or the end. Returns
    // false at the end; fills the request and settings to serve.
    bool next_turn(UpdateRequest& req, ViewerSettings& v);
    void end(const std::string& why);

    desktop::Capture& capture_;
    desktop::InputGate& gate_;
    const ServerOptions opts_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    UpdateRequest request_;
    ViewerSettings settings_;
    std::vector<std::int32_t> encodings_;
    bool ended_ = false;
    std::string why_;
    session::ByteStream* stream_ = nullptr;
    std::chrono::steady_clock::time_point last_grab_{};
    std::uint64_t updates_ = 0;
};

}  // namespace rfbserver
