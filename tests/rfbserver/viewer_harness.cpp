#include "viewer_harness.h"

#include <chrono>

#include <rfb/rfbclient.h>
#include <unistd.h>

#include "screen/socket_util.h"
#include "session/fd_stream.h"

namespace rfbtest {

void FakeCapture::set_frame(desktop::Frame f) {
    std::lock_guard<std::mutex> lk(mu_);
    frame_ = std::move(f);
}

void FakeCapture::set_pointer(desktop::PointerShape s, int x, int y) {
    std::lock_guard<std::mutex> lk(mu_);
    shape_ = std::move(s);
    shape_new_ = true;
    x_ = x;
    y_ = y;
}

int FakeCapture::width() const {
    std::lock_guard<std::mutex> lk(mu_);
    return frame_.width;
}

int FakeCapture::height() const {
    std::lock_guard<std::mutex> lk(mu_);
    return frame_.height;
}

bool FakeCapture::grab(desktop::Frame& dst) {
    std::lock_guard<std::mutex> lk(mu_);
    dst = frame_;
    return true;
}

bool FakeCapture::cursor_shape(desktop::PointerShape& out) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!shape_new_) return false;
    out = shape_;
    shape_new_ = false;
    return true;
}

bool FakeCapture::pointer_position(int& x, int& y) {
    std::lock_guard<std::mutex> lk(mu_);
    x = x_;
    y = y_;
    return x_ >= 0;
}

void RecordingInjector::pointer(int x, int y, int mask) {
    std::lock_guard<std::mutex> lk(mu);
    log.push_back("p" + std::to_string(x) + "," + std::to_string(y) + "," + std::to_string(mask));
}

void RecordingInjector::key(std::uint32_t sym, bool down) {
    std::lock_guard<std::mutex> lk(mu);
    log.push_back((down ? "k+" : "k-") + std::to_string(sym));
}

std::vector<std::string> RecordingInjector::events() {
    std::lock_guard<std::mutex> lk(mu);
    return log;
}

desktop::Frame test_picture(int w, int h, int seed) {
    desktop::Frame f;
    f.width = w;
    f.height = h;
    f.pixels.resize(static_cast<std::size_t>(w) * h);
    std::uint32_t rnd = 12345u + static_cast<std::uint32_t>(seed) * 7919u;
    const std::uint32_t five[] = {0xff0000, 0x00ff00, 0x0000ff, 0xffffff, 0x123456};
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            std::uint32_t& p = f.pixels[static_cast<std::size_t>(y) * w + x];
            rnd = rnd * 1103515245u + 12345u;
            if (y < h / 4) p = static_cast<std::uint32_t>((x * 255 / w) << 16 | (y * 4 % 256) << 8 | (seed * 40 % 256));
            else if (y < h / 2) p = (x / 20 + seed) % 2 ? 0x3366cc : 0xeeeeee;       // solid tiles and two colours
            else if (y < 3 * h / 4) p = five[(x / 3 + y / 7 + seed) % 5];            // five colours
            else if (x < w / 2) p = (x / 9) % 3 == 0 ? 0x808080 : 0x102030;          // runs
            else p = (rnd >> 8) & 0xffffff;                                           // noise
        }
    return f;
}

std::uint32_t expected_value(std::uint32_t rgb, const rfbserver::PixelFormat& f) {
    auto level = [](std::uint32_t c, std::uint32_t max) { return (c * max + 127) / 255; };
    return level((rgb >> 16) & 255, f.red_max) << f.red_shift | level((rgb >> 8) & 255, f.green_max) << f.green_shift |
           level(rgb & 255, f.blue_max) << f.blue_shift;
}

std::uint32_t colour_value(const std::uint8_t* p, const rfbserver::PixelFormat& f) {
    int n = f.bits_per_pixel / 8;
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<std::uint32_t>(p[i]) << (f.big_endian ? 8 * (n - 1 - i) : 8 * i);
    std::uint32_t mask = static_cast<std::uint32_t>(f.red_max) << f.red_shift |
                         static_cast<std::uint32_t>(f.green_max) << f.green_shift |
                         static_cast<std::uint32_t>(f.blue_max) << f.blue_shift;
    return v & mask;
}

namespace {

void set_format(rfbClient* c, const rfbserver::PixelFormat& f) {
    c->format.bitsPerPixel = static_cast<uint8_t>(f.bits_per_pixel);
    c->format.depth = static_cast<uint8_t>(f.depth);
    c->format.bigEndian = f.big_endian;
    c->format.trueColour = TRUE;
    c->format.redMax = static_cast<uint16_t>(f.red_max);
    c->format.greenMax = static_cast<uint16_t>(f.green_max);
    c->format.blueMax = static_cast<uint16_t>(f.blue_max);
    c->format.redShift = static_cast<uint8_t>(f.red_shift);
    c->format.greenShift = static_cast<uint8_t>(f.green_shift);
    c->format.blueShift = static_cast<uint8_t>(f.blue_shift);
}

}  // namespace

Link::Link(FakeCapture& cap, const rfbserver::PixelFormat& f, const std::string& encodings, int compress_level)
    : format_(f), gate_(inj_, consent_), server_(cap, gate_, rfbserver::ServerOptions{"test desktop", {}}),
      encodings_(encodings) {
    screen::quiet_libvnc_logs();
    auto [client_fd, server_fd] = screen::make_socketpair();
    server_end_ = session::make_fd_stream(server_fd);
    counted_ = std::make_unique<CountingWrites>(*server_end_);
    server_thread_ = std::thread([this] { result_ = server_.serve(*counted_); });
    c_ = rfbGetClient(8, 3, f.bits_per_pixel / 8);
    set_format(c_, f);
    c_->appData.encodingsString = encodings_.c_str();
    c_->appData.compressLevel = compress_level;
    c_->appData.useRemoteCursor = TRUE;
    c_->canHandleNewFBSize = TRUE;
    c_->sock = client_fd;
    c_->listenSpecified = TRUE;
    if (!rfbInitClient(c_, nullptr, nullptr)) c_ = nullptr;  // freed by libvncclient
}

Link::~Link() {
    if (c_) rfbClientCleanup(c_);  // closes the client's socket: the server sees the end
    server_.stop();
    server_thread_.join();
}

bool Link::pump_until(const std::function<bool()>& done, int ms) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!done()) {
        if (!c_ || std::chrono::steady_clock::now() > end) return false;
        int n = WaitForMessage(c_, 20000);  // microseconds
        if (n < 0 || (n > 0 && !HandleRFBServerMessage(c_))) return false;
    }
    return true;
}

bool Link::shows(const desktop::Frame& frame) {
    if (!c_ || c_->width != frame.width || c_->height != frame.height) return false;
    const std::uint8_t* fb = c_->frameBuffer;
    std::size_t step = static_cast<std::size_t>(format_.bits_per_pixel / 8);
    for (std::size_t i = 0; i < frame.pixels.size(); ++i)
        if (colour_value(fb + i * step, format_) != expected_value(frame.pixels[i], format_)) return false;
    return true;
}

std::uint64_t Link::bytes_received() const { return counted_->written(); }

std::string Link::server_result() {
    if (c_) rfbClientCleanup(c_);
    c_ = nullptr;
    server_thread_.join();
    server_thread_ = std::thread([] {});
    return result_;
}

}  // namespace rfbtest
