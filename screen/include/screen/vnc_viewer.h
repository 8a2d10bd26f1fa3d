// Supporter side: an RFB viewer (libvncclient) over a ByteStream (the mux
// `rfb` channel), producing a framebuffer and callbacks. No GUI here.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "desktop/platform.h"
#include "desktop/tile_diff.h"
#include "session/byte_stream.h"

namespace screen {

struct ViewerOptions {
    // Lossless by default: Tight without JPEG is zlib, exact pixels.
    // jpeg_quality 0..9 enables JPEG (lossy, fewer bytes on slow links).
    int jpeg_quality = -1;  // -1: no JPEG
    int compress_level = 6;  // zlib 0..9; 6 is zlib's own speed/size balance
    std::string encodings = "tight zrle ultra copyrect hextile zlib corre rre raw";
};

// Called on the viewer thread. Between on_update calls the framebuffer
// holds a consistent picture only after on_frame (end of one RFB update).
struct ViewerCallbacks {
    std::function<void(int w, int h)> on_resize;
    std::function<void(desktop::Rect)> on_update;
    // 1 = first full frame. `fb` is consistent during the call (read it here,
    // do not call Viewer::snapshot() from callbacks: that would deadlock).
    std::function<void(std::uint64_t frame_no, const desktop::Frame& fb)> on_frame;
    // The customer's pointer moved or changed shape (read cursor()).
    std::function<void()> on_cursor;
};

// The remote pointer as last reported by the server.
struct RemoteCursor {
    desktop::PointerShape shape;  // empty until the server sent one
    int x = -1, y = -1;  // position of the hot spot; -1: unknown
};

class Viewer {
public:
    Viewer(ViewerOptions opts, ViewerCallbacks cbs) : opts_(std::move(opts)), cbs_(std::move(cbs)) {}
    ~Viewer();

    // Blocks until the stream ends or stop(); closes `rfb`. Returns "" or why it failed.
    std::string run(session::ByteStream& rfb);
    void stop();  // any thread

    // Queued and sent by the viewer thread, in order. Any thread.
    void send_pointer(int x, int y, int button_mask);
    void send_key(std::uint32_t keysym, bool down);

    // A copy of the current picture (pixels as in desktop::Frame), taken between two
    // RFB messages. Empty before the server's first message.
    desktop::Frame snapshot() const;
    // The live pixel buffer (width*height, 0x00RRGGBB); stable from on_resize
    // until the next resize or the end of run(). Readers may see a frame in
    // the middle of an update: fine for display, use snapshot() for exactness.
    const std::uint32_t* pixels() const { return fb_.pixels.data(); }
    int width() const { return fb_.width; }
    int height() const { return fb_.height; }
    std::uint64_t frames() const { return frames_; }
    RemoteCursor cursor() const;
    // RFB bytes received from the server so far (compressed, as on the wire).
    std::uint64_t bytes_received() const;

    // Implementation hooks for the libvncclient C callbacks.
    struct Hooks;

private:
    struct Input {
        bool is_key;
        int x, y, mask;
        std::uint32_t keysym;
        bool down;
    };
    void push(Input in);
    void loop(void* client, int wake_fd);
    void drain_input(void* client);

    ViewerOptions opts_;
    ViewerCallbacks cbs_;
    mutable std::mutex fb_mu_;  // held while a server message is handled, and around the first allocation
    desktop::Frame fb_;
    bool looping_ = false;  // viewer thread only: loop() holds fb_mu_ around each message
    std::atomic<std::uint64_t> frames_{0};  // complete updates since the first full one
    std::uint64_t covered_ = 0;             // pixels painted so far (until the first full frame)
    std::atomic<class CountingStream*> counted_{nullptr};  // during run()
    std::uint64_t bytes_final_ = 0;                        // after run()
    std::atomic<bool> stop_{false};
    mutable std::mutex cursor_mu_;
    RemoteCursor cursor_;
    std::mutex in_mu_;
    std::deque<Input> input_;
    int wake_[2] = {-1, -1};
};

}  // namespace screen
