// Test fixtures for screen tests: a private Xvfb, child processes, drawing
// known content with Xlib, an X window that records the input it receives,
// and bounded waits. Everything is torn down by destructors.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>


#include "desktop/platform.h"

// Xlib stays out of this header: its macros (None, Always) break Catch2.
typedef struct _XDisplay Display;
struct _XIM;
struct _XIC;

namespace screentest {

using namespace std::chrono_literals;

// Polls `pred` every 5 ms until true or `limit` passed. Returns pred's last value.
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds limit = 10s);

// Xvfb on a display number it picks itself (-displayfd), no TCP listener.
class Xvfb {
public:
    explicit Xvfb(int width = 800, int height = 600);
    ~Xvfb();
    const std::string& name() const { return name_; }  // ":N"
private:
    int pid_ = -1;
    std::string name_;
};

// A child process; killed (SIGTERM, then SIGKILL) by the destructor.
class Process {
public:
    Process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
    ~Process();
    // Waits for exit up to `limit`; returns the exit code, or -1 on timeout.
    int wait(std::chrono::milliseconds limit = 10s);
    bool running();
    int pid() const { return pid_; }
private:
    int pid_ = -1;
    int status_ = -1;
};

// Runs a command to completion (bounded); returns its exit code.
int run(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
        std::chrono::milliseconds limit = 20s);

// A free TCP port on 127.0.0.1 (bound then released).
int free_port();
// Directory for artefacts (screenshots) under the build dir.
std::string artefact_dir();
// A fresh temporary directory.
std::string temp_dir();

// The known test picture: colored rectangles over a gradient; `seed`
// changes colors so two pictures differ everywhere.
desktop::Frame make_pattern(int width, int height, int seed = 0);
// Paints `f` onto the root window of `display` at (x, y) and waits (XSync).
void paint(const std::string& display, const desktop::Frame& f, int x = 0, int y = 0);
// A connection kept open to fill rectangles on the root window of `display`
// quickly (one XFillRectangle + XSync each), like a program drawing.
class Painter {
public:
    explicit Painter(const std::string& display);
    ~Painter();
    // Returns once the X server has drawn it. rgb: 0x00RRGGBB.
    void fill(int x, int y, int w, int h, std::uint32_t rgb);
private:
    Display* dpy_;
};

// The root window's pixels through plain XGetImage (independent of screen::).
desktop::Frame grab(const std::string& display);
// Number of pixels that differ (exact comparison); sizes must match.
long count_diff(const desktop::Frame& a, const desktop::Frame& b);

// Finds a top-level window titled `title`; gives its position on the root.
bool find_window(const std::string& display, const std::string& title, int& x, int& y);
// xdotool on `display` (bounded); returns its exit code.
int xdotool(const std::string& display, const std::vector<std::string>& args);

// An X window on `display` covering `w` x `h` at (x, y), with keyboard
// focus, recording KeyPress/ButtonPress events it receives.
class EventRecorder {
public:
    EventRecorder(const std::string& display, int x, int y, int w, int h);
    ~EventRecorder();
    struct Event {
        int type;            // Xlib's KeyPress or ButtonPress
        unsigned long code;  // keysym for keys, button number for buttons
        int x, y;            // window coordinates
    };
    std::vector<Event> events();
    bool saw_key(unsigned long keysym);
    bool saw_button(int button);
    void clear();
private:
    void loop();
    Display* dpy_;
    unsigned long win_;  // Xlib Window
    bool stop_ = false;
    std::mutex mu_;
    std::vector<Event> events_;
    std::thread thread_;
    int wake_[2];
};

// A focused window on `display` (400x300 at the top-left) recording the
// keysym XLookupString gives for every KeyPress, as an application reads
// it (the key with its modifiers); modifier keys' own presses are left out.
// With `input_method` it also reads them as GTK or Qt do, through an X
// input method (Xlib's own, with the locale's compose table): a dead key
// and the letter after it become one character; text() is what was typed
// (UTF-8); keys() stays the keys as pressed.
class KeyRecorder {
public:
    explicit KeyRecorder(const std::string& display, bool input_method = false);
    ~KeyRecorder();
    std::vector<unsigned long> keys();
    std::string text();
    // Waits (5 s) for exactly `want`; a failed CHECK prints what arrived.
    bool got(const std::vector<unsigned long>& want);
    bool got_text(const std::string& want);
    void clear();
private:
    void read();
    Display* dpy_;
    unsigned long win_;  // Xlib Window
    ::_XIM* im_ = nullptr;
    ::_XIC* ic_ = nullptr;
    std::vector<unsigned long> keys_;
    std::string text_;
};

// The core keyboard mapping (XGetKeyboardMapping) and the XKB keymap
// (xkbcomp) of `display` as text, to compare before and after a session.
std::string mapping_dump(const std::string& display);

// A RandR 1.5 monitor `name` at (x, y), w x h, defined with XRRSetMonitor,
// the call `xrandr --setmonitor` makes (xrandr 1.5.1's own call has no
// effect on Xvfb 21.1: its list stays one monitor).
void set_monitor(const std::string& display, const char* name, int x, int y, int w, int h);

}  // namespace screentest
