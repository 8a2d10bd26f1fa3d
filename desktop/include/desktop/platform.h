// Platform seams of the customer side: capture, input, hotkeys. The X11
// implementations live in x11desktop/src/x11_*.cpp (factories in x11desktop/x11.h);
// Windows adds its own files implementing these three interfaces.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace desktop {

// Pixels are 32 bits, 0x00RRGGBB in host (little-endian) order, i.e. bytes
// B, G, R, X in memory; rows are width * 4 bytes, no padding.
struct Frame {
    int width = 0;
    int height = 0;
    std::vector<std::uint32_t> pixels;
    std::uint32_t at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }
};

// The pointer's shape (not "CursorShape": X.h defines that as a macro). Pixels 0xAARRGGBB (alpha not premultiplied), rows of
// `width`; the hot spot is the pixel that points.
struct PointerShape {
    int width = 0, height = 0, xhot = 0, yhot = 0;
    std::vector<std::uint32_t> argb;
};

// Reads the screen. Called from one thread.
class Capture {
public:
    virtual ~Capture() = default;
    virtual int width() const = 0;
    virtual int height() const = 0;
    // Copies the whole screen into `dst` (resized to width x height).
    // Returns false if the screen could not be read this time.
    virtual bool grab(Frame& dst) = 0;
    // Change notification (X11: XDamage). A POSIX file descriptor that
    // becomes readable when the screen may have changed, or -1 if the
    // platform has none (Windows; then the caller grabs periodically and
    // finds the changes by comparing tiles, tile_diff.h).
    virtual int change_fd() const { return -1; }
    // Drains pending notifications; true if the screen changed since the
    // last call (always true without notifications).
    virtual bool take_changes() { return true; }
    // The pointer, which screen grabs do not contain. cursor_shape() fills
    // `out` and returns true only when the shape changed since the last call;
    // pointer_position() returns false if it is unknown.
    virtual bool cursor_shape(PointerShape& out) { return false; }
    virtual bool pointer_position(int& x, int& y) { return false; }
};

// Injects input into the customer's session. Thread-safe. Coordinates in
// screen pixels; button_mask bit 0 = left, 1 = middle, 2 = right, 3/4 = wheel
// up/down (the RFB convention); keysym is an X keysym (RFB uses them too).
class InputInjector {
public:
    virtual ~InputInjector() = default;
    virtual void pointer(int x, int y, int button_mask) = 0;
    virtual void key(std::uint32_t keysym, bool down) = 0;
};

enum class Hotkey { control /* F11 */, files /* F12 */ };

// Global hotkeys on the customer's desktop, active between start() and stop().
// The callback runs on an internal thread, once per key press (not repeat).
class Hotkeys {
public:
    using Callback = std::function<void(Hotkey)>;
    virtual ~Hotkeys() = default;
    // Throws std::runtime_error if the keys cannot be grabbed (another
    // program holds them): the user must be told, consent cannot be toggled.
    virtual void start(Callback cb) = 0;
    // Releases the keys; idempotent; waits for the callback thread to end.
    virtual void stop() = 0;
};

}  // namespace desktop
