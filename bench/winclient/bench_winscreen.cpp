// bench_winscreen: the Windows client's screen (rfbserver/ + windesktop's
// GDI capture, under wine) against the Linux client's (libvncserver + XShm
// and XDamage), side by side in one run, on one Xvfb, each with the Linux
// tether-desk (headless, --snapshot, --vnc-listen) and the same local
// tether-relay (directly). Per round and client:
//   first frame  from the client's status file first saying it is active
//                (Connect pressed) to the desk's --snapshot (its first full
//                frame) being written; wine's start-up is not in it
//   change       N solid 64x64 squares painted on the X root (Xlib, at
//                changing places and colours), each from the paint's
//                return to the desk's picture (seen through --vnc-listen)
//                showing it; the median
//   bytes        what the relay forwarded client -> desk during those N
//                changes (its /metrics), the same screen sequence for both
// Prints each round and the Windows/Linux ratios of the medians (issue
// 15's targets: first frame <= 1.5x, change <= 2x, bytes <= 1.5x).
//   bench_winscreen [--rounds N=2] [--changes N=20]
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <regex>
#include <thread>

#include "harness.h"
#include "screen/png.h"
#include "support/net.h"
#include "winclient_fixture.h"

using namespace wintest;
using Clock = std::chrono::steady_clock;

namespace {

struct Sample {
    double first_s = 0, change_ms = 0, bytes = 0;
};

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

Clock::time_point when(const std::function<bool()>& pred, std::chrono::seconds limit) {
    auto end = Clock::now() + limit;
    while (!pred()) {
        if (Clock::now() > end) throw std::runtime_error("timed out");
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return Clock::now();
}

bool png_complete(const std::string& path) {
    try {
        return screen::read_png(path).width > 0;
    } catch (const std::exception&) {
        return false;
    }
}

// The relay's tether_relay_bytes_forwarded_total{direction="client_to_desk"}.
double client_to_desk_bytes(const test_support::Relay& relay) {
    std::string cmd = "curl -s --noproxy '*' --cacert " + relay.ca_file() + " " + relay.url("localhost") + "metrics";  // url() ends with /
    std::FILE* p = ::popen(cmd.c_str(), "r");
    std::string text;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) text.append(buf, n);
    ::pclose(p);
    std::smatch m;
    if (!std::regex_search(text, m, std::regex("bytes_forwarded_total\\{direction=\"client_to_desk\"\\} ([0-9.e+]+)")))
        throw std::runtime_error("no byte count in the relay's /metrics: " + text.substr(0, 200));
    return std::stod(m[1]);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// `run` (1, 2, ...) changes the colours, so no square is already there.
Sample one(const test_support::Relay& relay, const std::string& display, bool windows, int changes, int run) {
    Scratch dir;
    std::string first = dir / "first.png";
    int port = test_support::free_port();
    Session s(relay_args(relay), {"--snapshot", first, "--vnc-listen", "127.0.0.1:" + std::to_string(port)});
    if (windows)
        s.client = std::make_unique<test_support::Process>(on_display(
            Args{WINCLIENT_EXE} + client_args(s, "Z:" + s.client_in.path()) + relay_args(relay), display,
            WINE_PREFIX_SCREEN));
    else s.start_linux_client(display, relay_args(relay));
    auto t0 = when([&] { return read_status(s.client_status)["active"] == "yes"; }, std::chrono::seconds(90));
    auto t1 = when([&] { return png_complete(first); }, std::chrono::seconds(90));
    DeskPicture desk(port);
    screentest::Painter painter(display);
    std::vector<double> ms;
    double bytes0 = client_to_desk_bytes(relay);
    for (int i = 0; i < changes; ++i) {
        int x = 64 + (i * 97) % 600, y = 64 + (i * 61) % 400;
        std::uint32_t colour = (0x102030u * static_cast<std::uint32_t>(i + 1) + 0x2a1b0cu * static_cast<std::uint32_t>(run)) & 0xffffffu;
        painter.fill(x, y, 64, 64, colour);
        auto p0 = Clock::now();
        if (!desk.pixel_is(x + 32, y + 32, colour, std::chrono::seconds(10)))
            throw std::runtime_error("a change did not reach the desk");
        ms.push_back(seconds(Clock::now() - p0) * 1000);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // both servers idle again
    }
    Sample out;
    out.bytes = client_to_desk_bytes(relay) - bytes0;
    out.first_s = seconds(t1 - t0);
    out.change_ms = median(ms);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 2, changes = 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--rounds")) rounds = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--changes")) changes = std::stoi(argv[i + 1]);
    }
    try {
        test_support::Relay relay;
        screentest::Xvfb x(800, 600);
        std::vector<double> first[2], change[2], bytes[2];
        for (int r = 0; r < rounds; ++r)
            for (int w = 0; w < 2; ++w) {
                Sample s = one(relay, x.name(), w == 1, changes, 2 * r + w + 1);
                first[w].push_back(s.first_s);
                change[w].push_back(s.change_ms);
                bytes[w].push_back(s.bytes);
                std::printf("round %d %-7s first frame %.3f s  change median %.1f ms  bytes %.0f\n", r + 1,
                            w ? "windows" : "linux", s.first_s, s.change_ms, s.bytes);
                std::fflush(stdout);
            }
        auto ratio = [&](std::vector<double>* v) { return median(v[1]) / std::max(1e-9, median(v[0])); };
        std::printf("first frame: linux %.3f s, windows %.3f s: %.2fx (target <= 1.5x)\n", median(first[0]),
                    median(first[1]), ratio(first));
        std::printf("change: linux %.1f ms, windows %.1f ms: %.2fx (target <= 2x)\n", median(change[0]),
                    median(change[1]), ratio(change));
        std::printf("bytes: linux %.0f, windows %.0f: %.2fx (target <= 1.5x)\n", median(bytes[0]), median(bytes[1]),
                    ratio(bytes));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_winscreen: %s\n", e.what());
        return 1;
    }
}
