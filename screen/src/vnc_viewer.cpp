#include "screen/vnc_viewer.h"

#include <thread>

#include <poll.h>
#include <rfb/rfbclient.h>
#include <unistd.h>

#include "screen/counting_stream.h"
#include "screen/socket_util.h"
#include "session/fd_stream.h"

namespace screen {

// Tag for rfbClientSetClientData: which Viewer owns a client.
static int kViewerTag;

struct Viewer::Hooks {
    static Viewer* of(rfbClient* c) { return static_cast<Viewer*>(rfbClientGetClientData(c, &kViewerTag)); }

    // libvncclient asks for a buffer; ours is the desktop::Frame, so snapshot() can copy it.
    // The first call comes from rfbInitClient, before loop() takes fb_mu_
    // around each message: it locks here, or a snapshot() meanwhile could
    // copy the new size with the old (empty) pixels (bench_winscreen's
    // SIGSEGV in Frame::at, rfbserver.units "snapshots ... whole").
    static rfbBool alloc(rfbClient* c) {
        Viewer* v = of(c);
        std::unique_lock<std::mutex> lk(v->fb_mu_, std::defer_lock);
        if (!v->looping_) lk.lock();
        v->fb_.width = c->width;
        v->fb_.height = c->height;
        v->fb_.pixels.assign(static_cast<std::size_t>(c->width) * c->height, 0);
        v->covered_ = 0;
        c->frameBuffer = reinterpret_cast<uint8_t*>(v->fb_.pixels.data());
        if (v->cbs_.on_resize) v->cbs_.on_resize(c->width, c->height);
        return TRUE;
    }
    static void update(rfbClient* c, int x, int y, int w, int h) {
        Viewer* v = of(c);
        v->covered_ += static_cast<std::uint64_t>(w) * h;
        if (v->cbs_.on_update) v->cbs_.on_update(desktop::Rect{x, y, w, h});
    }
    // rcSource: pixels in our format; rcMask: one byte per pixel, 1 = opaque.
    static void cursor_shape(rfbClient* c, int xhot, int yhot, int w, int h, int bpp) {
        Viewer* v = of(c);
        desktop::PointerShape s{w, h, xhot, yhot, {}};
        s.argb.resize(static_cast<std::size_t>(w) * h);
        auto* src = reinterpret_cast<const std::uint32_t*>(c->rcSource);
        for (std::size_t i = 0; i < s.argb.size() && bpp == 4; ++i)
            s.argb[i] = (src[i] & 0xffffff) | (c->rcMask && c->rcMask[i] ? 0xff000000u : 0);
        {
            std::lock_guard<std::mutex> lk(v->cursor_mu_);
            v->cursor_.shape = std::move(s);
        }
        if (v->cbs_.on_cursor) v->cbs_.on_cursor();
    }
    static rfbBool cursor_pos(rfbClient* c, int x, int y) {
        Viewer* v = of(c);
        {
            std::lock_guard<std::mutex> lk(v->cursor_mu_);
            v->cursor_.x = x;
            v->cursor_.y = y;
        }
        if (v->cbs_.on_cursor) v->cbs_.on_cursor();
        return TRUE;
    }

    // Updates before the first one that painted the whole screen (e.g. a
    // lone desktop-size message) do not count as frames.
    static void finished(rfbClient* c) {
        Viewer* v = of(c);
        if (v->frames_ == 0 && v->covered_ < static_cast<std::uint64_t>(c->width) * c->height) return;
        std::uint64_t n = ++v->frames_;
        if (v->cbs_.on_frame) v->cbs_.on_frame(n, v->fb_);
    }
};

namespace {

// Our pixel layout (desktop::Frame): 0x00RRGGBB, 32 bits, little endian.
void set_format(rfbClient* c) {
    c->format.redShift = 16;
    c->format.greenShift = 8;
    c->format.blueShift = 0;
}

void apply_options(rfbClient* c, const ViewerOptions& o) {
    c->appData.encodingsString = o.encodings.c_str();
    c->appData.compressLevel = o.compress_level;
    c->appData.enableJPEG = o.jpeg_quality >= 0 ? TRUE : FALSE;
    c->appData.qualityLevel = o.jpeg_quality >= 0 ? o.jpeg_quality : 9;
    c->appData.useRemoteCursor = TRUE;  // shape and position apart, never painted in
    c->canHandleNewFBSize = TRUE;
}

}  // namespace

Viewer::~Viewer() {
    for (int fd : wake_)
        if (fd >= 0) ::close(fd);
}

std::string Viewer::run(session::ByteStream& rfb) {
    quiet_libvnc_logs();
    if (pipe(wake_) != 0) return "pipe failed";
    auto [vnc_fd, pump_fd] = make_socketpair();
    auto pump_end = session::make_fd_stream(pump_fd);
    CountingStream counted(rfb);
    counted_ = &counted;
    std::string pump_error;
    std::thread pumper([&] { pump_error = session::pump(*pump_end, counted); });

    rfbClient* c = rfbGetClient(8, 3, 4);
    rfbClientSetClientData(c, &kViewerTag, this);
    set_format(c);
    apply_options(c, opts_);
    c->MallocFrameBuffer = Hooks::alloc;
    c->GotFrameBufferUpdate = Hooks::update;
    c->FinishedFrameBufferUpdate = Hooks::finished;
    c->GotCursorShape = Hooks::cursor_shape;
    c->HandleCursorPos = Hooks::cursor_pos;
    c->sock = vnc_fd;
    c->listenSpecified = TRUE;  // use our socket, do not connect anywhere
    std::string result;
    if (!rfbInitClient(c, nullptr, nullptr)) {  // frees c on failure
        result = "the customer's screen did not answer (RFB handshake failed)";
    } else {
        looping_ = true;
        loop(c, wake_[0]);
        looping_ = false;
        rfbClientCleanup(c);  // closes vnc_fd
    }
    pump_end->close();
    rfb.close();
    pumper.join();
    bytes_final_ = counted.bytes_read();
    counted_ = nullptr;
    return result.empty() ? pump_error : result;
}

// Sleeps on the RFB socket and the wake pipe (input queued or stop()).
// libvncclient may already hold a whole message in its buffer: then no wait.
void Viewer::loop(void* vc, int wake_fd) {
    auto* c = static_cast<rfbClient*>(vc);
    while (!stop_) {
        pollfd fds[2] = {{c->sock, POLLIN, 0}, {wake_fd, POLLIN, 0}};
        if (c->buffered == 0 && poll(fds, 2, -1) < 0) continue;
        if (fds[1].revents) {
            char tmp[64];
            (void)!read(wake_fd, tmp, sizeof tmp);
        }
        drain_input(c);
        if (c->buffered == 0 && !(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        std::lock_guard<std::mutex> lk(fb_mu_);
        if (!HandleRFBServerMessage(c)) break;
    }
}

void Viewer::drain_input(void* vc) {
    auto* c = static_cast<rfbClient*>(vc);
    std::deque<Input> q;
    {
        std::lock_guard<std::mutex> lk(in_mu_);
        q.swap(input_);
    }
    for (const Input& in : q) {
        if (in.is_key) SendKeyEvent(c, in.keysym, in.down);
        else SendPointerEvent(c, in.x, in.y, in.mask);
    }
}

void Viewer::push(Input in) {
    {
        std::lock_guard<std::mutex> lk(in_mu_);
        input_.push_back(in);
    }
    char b = 1;
    if (wake_[1] >= 0) (void)!write(wake_[1], &b, 1);
}

void Viewer::send_pointer(int x, int y, int mask) { push(Input{false, x, y, mask, 0, false}); }
void Viewer::send_key(std::uint32_t keysym, bool down) { push(Input{true, 0, 0, 0, keysym, down}); }

void Viewer::stop() {
    stop_ = true;
    char b = 0;
    if (wake_[1] >= 0) (void)!write(wake_[1], &b, 1);
}

RemoteCursor Viewer::cursor() const {
    std::lock_guard<std::mutex> lk(cursor_mu_);
    return cursor_;
}

desktop::Frame Viewer::snapshot() const {
    std::lock_guard<std::mutex> lk(fb_mu_);
    return fb_;
}

}  // namespace screen

namespace screen {

std::uint64_t Viewer::bytes_received() const {
    CountingStream* c = counted_;
    return c ? c->bytes_read() : bytes_final_;
}

}  // namespace screen
