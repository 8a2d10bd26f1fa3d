// Test fixtures for rfbserver: a capture the test paints, an injector that
// records, and libvncclient (the desk's viewer library) on the other end of
// a socketpair, set to any pixel format and encoding.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "desktop/input_gate.h"
#include "desktop/platform.h"
#include "remote/consent.h"
#include "rfbserver/pixel_format.h"
#include "rfbserver/server.h"
#include "session/byte_stream.h"

struct _rfbClient;

namespace rfbtest {

// The screen as the test paints it. Thread-safe.
class FakeCapture : public desktop::Capture {
public:
    explicit FakeCapture(desktop::Frame f) : frame_(std::move(f)) {}
    void set_frame(desktop::Frame f);
    void set_pointer(desktop::PointerShape s, int x, int y);
    int width() const override;
    int height() const override;
    bool grab(desktop::Frame& dst) override;
    bool cursor_shape(desktop::PointerShape& out) override;
    bool pointer_position(int& x, int& y) override;

private:
    mutable std::mutex mu_;
    desktop::Frame frame_;
    desktop::PointerShape shape_;
    bool shape_new_ = false;
    int x_ = -1, y_ = -1;
};

struct RecordingInjector : desktop::InputInjector {
    std::mutex mu;
    std::vector<std::string> log;
    void pointer(int x, int y, int mask) override;
    void key(std::uint32_t sym, bool down) override;
    std::vector<std::string> events();
};

// A picture with what each ZRLE subencoding is for: a gradient (raw), solid
// blocks (solid), two- and five-colour stripes (packed palette), long runs
// (RLE), and noise from `seed`.
desktop::Frame test_picture(int width, int height, int seed);

// The pixel value a viewer with format `f` must hold for `rgb`: the RFB rule
// (each channel c becomes (c * max + 127) / 255), written independently of
// rfbserver's PixelConverter.
std::uint32_t expected_value(std::uint32_t rgb, const rfbserver::PixelFormat& f);
// The value of the pixel at `p` (bits_per_pixel / 8 bytes in f's byte
// order), keeping only the colour bits: libvncclient's ZRLE decoder fills
// the byte a 3-byte CPIXEL lacks from its neighbour, and RFB gives the bits
// outside the colour masks no meaning.
std::uint32_t colour_value(const std::uint8_t* p, const rfbserver::PixelFormat& f);

// Counts the bytes the server hands to the stream, before the write: the
// viewer may show them before a blocking write returns.
class CountingWrites : public session::ByteStream {
public:
    explicit CountingWrites(session::ByteStream& inner) : inner_(inner) {}
    std::size_t read(void* b, std::size_t n) override { return inner_.read(b, n); }
    void write(const void* b, std::size_t n) override {
        written_ += n;
        inner_.write(b, n);
    }
    void shutdown_write() override { inner_.shutdown_write(); }
    void close() override { inner_.close(); }
    std::uint64_t written() const { return written_; }

private:
    session::ByteStream& inner_;
    std::atomic<std::uint64_t> written_{0};
};

// rfbserver::Server on one end of a socketpair, libvncclient on the other.
class Link {
public:
    Link(FakeCapture& cap, const rfbserver::PixelFormat& f, const std::string& encodings, int compress_level = 6);
    ~Link();
    // Handles server messages until `done()` holds (true) or `ms` pass.
    bool pump_until(const std::function<bool()>& done, int ms = 5000);
    // The viewer's framebuffer equals `frame` converted to its format.
    bool shows(const desktop::Frame& frame);
    _rfbClient* client() { return c_; }
    remote::Consent& consent() { return consent_; }
    RecordingInjector& injector() { return inj_; }
    std::uint64_t bytes_received() const;
    std::string server_result();

private:
    rfbserver::PixelFormat format_;
    remote::Consent consent_;
    RecordingInjector inj_;
    desktop::InputGate gate_;
    rfbserver::Server server_;
    std::unique_ptr<session::ByteStream> server_end_;
    std::unique_ptr<CountingWrites> counted_;
    std::thread server_thread_;
    std::string result_;
    _rfbClient* c_ = nullptr;
    std::string encodings_;
};

}  // namespace rfbtest
