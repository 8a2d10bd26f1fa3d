// Screen benchmark: (1) Connect -> the desk's first full frame, (2) update
// latency of a screen change, (3) RFB bytes for a standard sequence of screen
// changes, Tether's server vs x11vnc serving the same Xvfb display to the
// same viewer (libvncclient, lossless Tight). Prints values and ratios to
// their targets. --smoke: fewer rounds (ctest bench.smoke.screen).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "screen/client_session.h"
#include "screen/desk_session.h"
#include "screen/direct.h"
#include "x11desktop/x11.h"
#include "session/fd_stream.h"

using namespace std::chrono;
using screentest::Xvfb;

namespace {

using Clock = steady_clock;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}
double p95(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, v.size() * 95 / 100)];
}

// Waits, on frame callbacks, until a predicate over the viewer's picture holds.
struct FrameWatch {
    std::mutex mu;
    std::condition_variable cv;
    std::function<bool(const desktop::Frame&)> want;
    bool met = false;
    Clock::time_point at;

    void on_frame(const desktop::Frame& fb) {
        std::lock_guard<std::mutex> lk(mu);
        if (met || !want || !want(fb)) return;
        met = true;
        at = Clock::now();
        cv.notify_all();
    }
    void arm(std::function<bool(const desktop::Frame&)> w) {
        std::lock_guard<std::mutex> lk(mu);
        want = std::move(w);
        met = false;
    }
    bool wait(milliseconds limit = 5000ms) {
        std::unique_lock<std::mutex> lk(mu);
        return cv.wait_for(lk, limit, [&] { return met; });
    }
};

// The customer side over the direct link (loopback TCP + Mux), in process.
struct Customer {
    std::unique_ptr<desktop::Capture> cap;
    std::unique_ptr<desktop::InputInjector> inj;
    std::unique_ptr<desktop::Hotkeys> hk;
    std::unique_ptr<screen::ClientSession> session;
    std::unique_ptr<remote::SessionLink> link;
    std::thread t;
    Customer(const std::string& display, const std::string& addr, const std::string& code)
        : cap(x11desktop::make_x11_capture(display)), inj(x11desktop::make_x11_injector(display)),
          hk(x11desktop::make_x11_hotkeys(display)) {
        session = std::make_unique<screen::ClientSession>(screen::CustomerSide{*cap, *inj, *hk}, "bench",
                                                          remote::ConsentState{}, screen::ClientEvents{});
        link = screen::direct_connect(addr, code);
        t = std::thread([this] { session->run(link->channels()); });
    }
    ~Customer() {
        session->stop();
        t.join();
    }
};

// A desk session whose frames feed `watch`.
struct Desk {
    FrameWatch& watch;
    std::unique_ptr<screen::DeskSession> session;
    std::thread t;
    Desk(FrameWatch& w, std::unique_ptr<remote::SessionLink>& link) : watch(w) {
        screen::ViewerCallbacks cb;
        cb.on_frame = [this](std::uint64_t, const desktop::Frame& fb) { watch.on_frame(fb); };
        session = std::make_unique<screen::DeskSession>("bench", screen::ViewerOptions{}, cb, screen::DeskEvents{});
        t = std::thread([this, &link] { session->run(link->channels()); });
    }
    ~Desk() {
        session->stop();
        t.join();
    }
};

bool any_frame(const desktop::Frame& f) { return f.width > 0; }

// A customer and a desk over the direct link, once the desk has its first
// full frame (or 5 s passed). Members end in reverse order: desk first.
struct DirectSession {
    screen::DirectListener listener{"127.0.0.1:0"};
    FrameWatch watch;
    std::unique_ptr<remote::SessionLink> desk_link;
    Clock::time_point started;  // just before the customer connects
    std::unique_ptr<Customer> customer;
    std::unique_ptr<Desk> desk;

    explicit DirectSession(const std::string& display) {
        watch.arm(any_frame);
        std::thread acceptor([&] { desk_link = listener.accept("123456"); });
        started = Clock::now();
        customer = std::make_unique<Customer>(display, "127.0.0.1:" + std::to_string(listener.port()), "123456");
        acceptor.join();
        desk = std::make_unique<Desk>(watch, desk_link);
        watch.wait();
    }
};

// (1) Connect: from the client's connect call to the desk's first full frame.
double connect_once(const std::string& display) {
    DirectSession s(display);
    return duration<double, std::milli>(s.watch.at - s.started).count();
}

std::uint32_t color_for(int i) { return 0x100000u * (i % 15 + 1) | 0x003000u * (i % 5) | (i * 37) % 256; }

void fill(const std::string& display, int x, int y, int w, int h, std::uint32_t rgb) {
    desktop::Frame f;
    f.width = w;
    f.height = h;
    f.pixels.assign(static_cast<std::size_t>(w) * h, rgb);
    screentest::paint(display, f, x, y);
}

double p99(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, v.size() * 99 / 100)];
}

// (2) Latency: paint a 64x64 square (XSync returned) -> the viewer has it.
// Any phase of the server's 30 ms pointer poll: a random pause between changes.
std::vector<double> latencies_on(const std::string& display, FrameWatch& watch, int rounds) {
    std::vector<double> out;
    for (int i = 0; i < rounds; ++i) {
        std::uint32_t c = color_for(i + 1);
        int x = 40 + (i * 53) % 600, y = 40 + (i * 31) % 450;
        watch.arm([=](const desktop::Frame& f) { return f.at(x + 32, y + 32) == c; });
        auto t0 = Clock::now();
        fill(display, x, y, 64, 64, c);
        if (watch.wait()) out.push_back(duration<double, std::milli>(watch.at - t0).count());
        std::this_thread::sleep_for(milliseconds((i * 7919) % 40));
    }
    return out;
}

std::vector<double> latencies(const std::string& display, int rounds) {
    DirectSession s(display);
    return latencies_on(display, s.watch, rounds);
}

// The standard sequence: typing-like small squares, a window-sized area
// moving, a full-screen repaint. Each step waits until the viewer shows it.
void run_sequence(const std::string& display, FrameWatch& watch, int steps) {
    for (int i = 0; i < steps; ++i) {
        std::uint32_t c = color_for(i + 7);
        int kind = i % 3;
        int x = kind == 0 ? 20 + (i * 9) % 700 : 100 + (i * 17) % 300, y = kind == 0 ? 20 + (i * 13) % 500 : 80;
        int w = kind == 0 ? 10 : kind == 1 ? 300 : 800, h = kind == 0 ? 16 : kind == 1 ? 200 : 600;
        if (kind == 2) x = y = 0;
        watch.arm([=](const desktop::Frame& f) { return f.at(x + w / 2, y + h / 2) == c; });
        if (kind == 2) screentest::paint(display, screentest::make_pattern(800, 600, i));
        else fill(display, x, y, w, h, c);
        if (kind == 2) watch.arm([=](const desktop::Frame& f) { return f.width > 0; });
        watch.wait(2000ms);
        std::this_thread::sleep_for(30ms);  // let trailing updates of this step arrive
    }
}

std::uint64_t tether_bytes(const std::string& display, int steps) {
    screentest::paint(display, screentest::make_pattern(800, 600, 99));
    DirectSession s(display);
    run_sequence(display, s.watch, steps);
    return s.desk->session->viewer().bytes_received();
}

int connect_tcp(int port) {
    for (int i = 0; i < 200; ++i) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
        close(fd);
        std::this_thread::sleep_for(25ms);
    }
    return -1;
}

// x11vnc serving `display` to our viewer while `use` runs.
void with_x11vnc(const std::string& display, const std::function<void(FrameWatch&, screen::Viewer&)>& use) {
    int port = screentest::free_port();
    screentest::Process x11vnc({"x11vnc", "-display", display, "-rfbport", std::to_string(port), "-localhost",
                                "-nopw", "-forever", "-shared", "-nocursor", "-ncache", "0", "-quiet", "-bg", "-o",
                                "/dev/null"});
    int fd = connect_tcp(port);
    if (fd < 0) return;
    auto stream = session::make_fd_stream(fd);
    FrameWatch watch;
    watch.arm(any_frame);
    screen::ViewerCallbacks cb;
    cb.on_frame = [&](std::uint64_t, const desktop::Frame& fb) { watch.on_frame(fb); };
    screen::Viewer viewer(screen::ViewerOptions{}, cb);
    std::thread t([&] { viewer.run(*stream); });
    watch.wait();
    use(watch, viewer);
    viewer.stop();
    t.join();
    screentest::run({"x11vnc", "-R", "stop", "-display", display, "-rfbport", std::to_string(port)}, {}, 5000ms);
}

std::uint64_t x11vnc_bytes(const std::string& display, int steps) {
    screentest::paint(display, screentest::make_pattern(800, 600, 99));
    std::uint64_t bytes = 0;
    with_x11vnc(display, [&](FrameWatch& watch, screen::Viewer& viewer) {
        run_sequence(display, watch, steps);
        bytes = viewer.bytes_received();
    });
    return bytes;
}

std::vector<double> x11vnc_latencies(const std::string& display, int rounds) {
    std::vector<double> out;
    with_x11vnc(display, [&](FrameWatch& watch, screen::Viewer&) { out = latencies_on(display, watch, rounds); });
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    bool smoke = argc > 1 && std::strcmp(argv[1], "--smoke") == 0;
    int connects = smoke ? 3 : 10, rounds = smoke ? 10 : 200, steps = smoke ? 9 : 30;
    Xvfb x;
    screentest::paint(x.name(), screentest::make_pattern(800, 600));
    std::vector<double> c;
    for (int i = 0; i < connects; ++i) c.push_back(connect_once(x.name()));
    std::printf("connect_to_first_frame_ms median=%.1f max=%.1f (n=%d, 800x600x24, loopback TCP + Mux) "
                "target<1000 ratio=%.3f\n", median(c), *std::max_element(c.begin(), c.end()), connects, median(c) / 1000);
    auto l = latencies(x.name(), rounds), lx = x11vnc_latencies(x.name(), rounds);
    auto over = [](const std::vector<double>& v) { return std::count_if(v.begin(), v.end(), [](double d) { return d > 200; }); };
    std::printf("update_latency_ms tether median=%.2f p95=%.2f p99=%.2f max=%.2f over200=%ld (n=%zu, 64x64 change) "
                "target<50 ratio=%.3f\n", median(l), p95(l), p99(l), l.empty() ? 0 : *std::max_element(l.begin(), l.end()),
                static_cast<long>(over(l)), l.size(), median(l) / 50);
    std::printf("update_latency_ms x11vnc median=%.2f p99=%.2f max=%.2f over200=%ld (n=%zu) p99 ratio tether/x11vnc=%.3f "
                "target<=1.2\n", median(lx), p99(lx), lx.empty() ? 0 : *std::max_element(lx.begin(), lx.end()),
                static_cast<long>(over(lx)), lx.size(), p99(lx) > 0 ? p99(l) / p99(lx) : 0.0);
    std::uint64_t ours = tether_bytes(x.name(), steps), theirs = x11vnc_bytes(x.name(), steps);
    std::printf("sequence_bytes tether=%llu x11vnc=%llu (%d steps, same viewer, lossless tight) target<=1.0 ratio=%.3f\n",
                static_cast<unsigned long long>(ours), static_cast<unsigned long long>(theirs), steps,
                theirs ? static_cast<double>(ours) / theirs : 0.0);
    bool ok = !c.empty() && l.size() >= static_cast<std::size_t>(rounds * 9 / 10) && ours > 0 && theirs > 0;
    return ok ? 0 : 1;
}
