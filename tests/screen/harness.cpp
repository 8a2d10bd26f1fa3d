#include "harness.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace screentest {

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > end) return pred();
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

namespace {

int spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, int keep_fd = -1) {
    int pid = fork();
    if (pid != 0) return pid;
    setpgid(0, 0);
    for (auto& e : env) putenv(strdup(e.c_str()));
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
}

void stop_pid(int pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 200; ++i) {  // 2 s, then force
        if (waitpid(pid, nullptr, WNOHANG) == pid) return;
        std::this_thread::sleep_for(10ms);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

}  // namespace

Xvfb::Xvfb(int width, int height) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe");
    std::string geometry = std::to_string(width) + "x" + std::to_string(height) + "x24";
    pid_ = spawn({"Xvfb", "-displayfd", std::to_string(fds[1]), "-screen", "0", geometry,
                  "-nolisten", "tcp", "-noreset"}, {});
    close(fds[1]);
    std::string num;
    char c;
    pollfd p{fds[0], POLLIN, 0};
    while (poll(&p, 1, 10000) > 0 && read(fds[0], &c, 1) == 1 && c != '\n') num += c;
    close(fds[0]);
    if (num.empty()) throw std::runtime_error("Xvfb did not start");
    name_ = ":" + num;
}

Xvfb::~Xvfb() { stop_pid(pid_); }

Process::Process(const std::vector<std::string>& argv, const std::vector<std::string>& env)
    : pid_(spawn(argv, env)) {}

Process::~Process() {
    if (status_ < 0) stop_pid(pid_);
}

int Process::wait(std::chrono::milliseconds limit) {
    if (status_ >= 0) return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128;
    int st = 0;
    bool done = wait_until([&] { return waitpid(pid_, &st, WNOHANG) == pid_; }, limit);
    if (!done) return -1;
    status_ = st;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

bool Process::running() { return status_ < 0 && wait(0ms) == -1; }

int run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
        std::chrono::milliseconds limit) {
    Process p(argv, env);
    return p.wait(limit);
}

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

std::string artefact_dir() {
    std::string d = SCREEN_TEST_ARTEFACTS;
    mkdir(d.c_str(), 0755);
    return d;
}

std::string temp_dir() {
    char tmpl[] = "/tmp/tether-screen-XXXXXX";
    return mkdtemp(tmpl);
}

desktop::Frame make_pattern(int w, int h, int seed) {
    desktop::Frame f;
    f.width = w;
    f.height = h;
    f.pixels.resize(static_cast<std::size_t>(w) * h);
    const std::uint32_t colors[] = {0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0xff00ff, 0x00ffff, 0xffffff, 0x804020};
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            std::uint32_t g = (((x + seed * 37) & 0xff) << 16) | ((y & 0xff) << 8) | (((x + y) / 4 + seed) & 0xff);
            bool in_rect = (y / 60) % 2 == 1 && (x / 80) % 2 == 0;
            f.pixels[static_cast<std::size_t>(y) * w + x] = in_rect ? colors[((x / 80) + (y / 60) + seed) % 8] : g;
        }
    return f;
}

void paint(const std::string& display, const desktop::Frame& f, int x, int y) {
    Display* d = XOpenDisplay(display.c_str());
    if (!d) throw std::runtime_error("cannot open " + display);
    int scr = DefaultScreen(d);
    std::vector<std::uint32_t> copy = f.pixels;
    XImage* img = XCreateImage(d, DefaultVisual(d, scr), 24, ZPixmap, 0, reinterpret_cast<char*>(copy.data()),
                               f.width, f.height, 32, f.width * 4);
    XPutImage(d, RootWindow(d, scr), DefaultGC(d, scr), img, 0, 0, x, y, f.width, f.height);
    XSync(d, False);
    img->data = nullptr;  // owned by `copy`
    XDestroyImage(img);
    XCloseDisplay(d);
}

Painter::Painter(const std::string& display) : dpy_(XOpenDisplay(display.c_str())) {
    if (!dpy_) throw std::runtime_error("cannot open " + display);
}

Painter::~Painter() { XCloseDisplay(dpy_); }

void Painter::fill(int x, int y, int w, int h, std::uint32_t rgb) {
    GC gc = DefaultGC(dpy_, DefaultScreen(dpy_));
    XSetForeground(dpy_, gc, rgb);  // 24-bit TrueColor: the pixel value is the color
    XFillRectangle(dpy_, DefaultRootWindow(dpy_), gc, x, y, w, h);
    XSync(dpy_, False);
}

desktop::Frame grab(const std::string& display) {
    Display* d = XOpenDisplay(display.c_str());
    if (!d) throw std::runtime_error("cannot open " + display);
    int scr = DefaultScreen(d);
    desktop::Frame f;
    f.width = DisplayWidth(d, scr);
    f.height = DisplayHeight(d, scr);
    XImage* img = XGetImage(d, RootWindow(d, scr), 0, 0, f.width, f.height, AllPlanes, ZPixmap);
    f.pixels.resize(static_cast<std::size_t>(f.width) * f.height);
    for (int y = 0; y < f.height; ++y)
        for (int x = 0; x < f.width; ++x) f.pixels[static_cast<std::size_t>(y) * f.width + x] = XGetPixel(img, x, y) & 0xffffff;
    XDestroyImage(img);
    XCloseDisplay(d);
    return f;
}

long count_diff(const desktop::Frame& a, const desktop::Frame& b) {
    if (a.width != b.width || a.height != b.height) return -1;
    long n = 0;
    for (std::size_t i = 0; i < a.pixels.size(); ++i) n += a.pixels[i] != b.pixels[i];
    return n;
}

EventRecorder::EventRecorder(const std::string& display, int x, int y, int w, int h) {
    dpy_ = XOpenDisplay(display.c_str());
    if (!dpy_) throw std::runtime_error("cannot open " + display);
    XSetWindowAttributes attr{};
    attr.override_redirect = True;
    attr.background_pixel = 0x203040;
    attr.event_mask = KeyPressMask | ButtonPressMask | ExposureMask;
    win_ = XCreateWindow(dpy_, DefaultRootWindow(dpy_), x, y, w, h, 0, CopyFromParent, InputOutput,
                         CopyFromParent, CWOverrideRedirect | CWBackPixel | CWEventMask, &attr);
    XMapRaised(dpy_, win_);
    XSync(dpy_, False);
    XSetInputFocus(dpy_, win_, RevertToParent, CurrentTime);
    XSync(dpy_, False);
    if (pipe(wake_) != 0) throw std::runtime_error("pipe");
    thread_ = std::thread([this] { loop(); });
}

EventRecorder::~EventRecorder() {
    stop_ = true;
    char b = 0;
    (void)!write(wake_[1], &b, 1);
    thread_.join();
    close(wake_[0]);
    close(wake_[1]);
    XDestroyWindow(dpy_, win_);
    XCloseDisplay(dpy_);
}

void EventRecorder::loop() {
    pollfd fds[2] = {{ConnectionNumber(dpy_), POLLIN, 0}, {wake_[0], POLLIN, 0}};
    while (!stop_) {
        while (XPending(dpy_)) {
            XEvent ev;
            XNextEvent(dpy_, &ev);
            std::lock_guard<std::mutex> lk(mu_);
            if (ev.type == KeyPress)
                events_.push_back({KeyPress, XLookupKeysym(&ev.xkey, 0), ev.xkey.x, ev.xkey.y});
            if (ev.type == ButtonPress)
                events_.push_back({ButtonPress, ev.xbutton.button, ev.xbutton.x, ev.xbutton.y});
        }
        poll(fds, 2, -1);
    }
}

std::vector<EventRecorder::Event> EventRecorder::events() {
    std::lock_guard<std::mutex> lk(mu_);
    return events_;
}

bool EventRecorder::saw_key(unsigned long keysym) {
    for (auto& e : events())
        if (e.type == KeyPress && e.code == keysym) return true;
    return false;
}

bool EventRecorder::saw_button(int button) {
    for (auto& e : events())
        if (e.type == ButtonPress && e.code == static_cast<unsigned long>(button)) return true;
    return false;
}

void EventRecorder::clear() {
    std::lock_guard<std::mutex> lk(mu_);
    events_.clear();
}

}  // namespace screentest

namespace screentest {

bool find_window(const std::string& display, const std::string& title, int& x, int& y) {
    Display* d = XOpenDisplay(display.c_str());
    if (!d) return false;
    Window root = DefaultRootWindow(d), parent, *kids = nullptr, child;
    unsigned n = 0;
    bool found = false;
    XQueryTree(d, root, &root, &parent, &kids, &n);
    for (unsigned i = 0; i < n && !found; ++i) {
        char* name = nullptr;
        XWindowAttributes wa;
        if (XFetchName(d, kids[i], &name) && name && title == name && XGetWindowAttributes(d, kids[i], &wa) &&
            wa.map_state == IsViewable)
            found = XTranslateCoordinates(d, kids[i], root, 0, 0, &x, &y, &child);
        if (name) XFree(name);
    }
    if (kids) XFree(kids);
    XCloseDisplay(d);
    return found;
}

int xdotool(const std::string& display, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"xdotool"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {"DISPLAY=" + display});
}


}  // namespace screentest
