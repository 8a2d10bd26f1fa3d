// bench_winscreen: the Windows client's screen (rfbserver/ + windesktop's
// GDI capture, under wine) against the Linux client's (libvncserver + XShm
// and XDamage), side by side in one run, on one Xvfb, each with the Linux
// tether-desk (headless, --snapshot, --vnc-listen) and the same local
// tether-relay (directly). Both clients start with `--code -`; once a
// client is up (its status file exists), the code is typed into its stdin
// --typing-s seconds later, as a customer types it (bench_winclient does
// the same). Per round and client:
//   start        the process started to its status file (wine's start-up
//                is in it; not in the figures below)
//   connect      the code given to the client's `auth` (a working session)
//   screen       `auth` to the desk's first full frame (its status file's
//                `frames` turning 1, after its --snapshot is written)
//   first frame  the code given to the desk's first full frame: the
//                issue's "Connect to the supporter's first full frame"
//   change       N solid 64x64 squares painted on the X root (Xlib, at
//                changing places and colours), each from the paint's
//                return to the desk's picture (seen through --vnc-listen)
//                showing it; the median
//   bytes        what the relay forwarded client -> desk during those N
//                changes (its /metrics), the same screen sequence for both
// With --phases, each Connect's timeline: the client's status lines, the
// desk's, and the Windows client's screen steps (TETHER_TRACE=1), in ms
// after the code. Also timed once per round: a trivial Windows program's
// start under wine with --trivial-exe (winctl.exe, which exits at once
// without a window).
// Prints the Windows/Linux ratios of the medians (issue 15's targets: first
// frame <= 1.5x, change <= 2x, bytes <= 1.5x).
//   bench_winscreen [--rounds N=3] [--changes N=20] [--typing-s S=3] [--phases] [--windows-exe PATH]
//                   [--no-screen-warm-up] [--trivial-exe]
// (--windows-exe: another tether-client.exe, e.g. a copy of a baseline
// build; --no-screen-warm-up: the client without its screen warm-up,
// TETHER_WARM_UP_SCREEN=0, for before/after figures.)

// The fixtures' screen_test_programs (read_status) also holds Catch2 checks
// (HeadlessPair): Catch's implementation must be linked in, never run.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <iterator>
#include <thread>

#include <unistd.h>

#include "bench_when.h"
#include "harness.h"
#include "support/net.h"
#include "winclient_fixture.h"

using namespace wintest;
using namespace winbench;  // Clock, when

namespace {

struct Sample {
    double start_s = 0, connect_s = 0, screen_s = 0, first_s = 0, change_ms = 0, bytes = 0;
    double idle_cpu = 0;  // the client's CPU while nothing changes, % of one core
    std::vector<std::pair<double, std::string>> timeline;  // ms after the code, what happened
};

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The relay's tether_relay_bytes_forwarded_total{direction="client_to_desk"}.
double client_to_desk_bytes(const test_support::Relay& relay) {
    std::string cmd = "curl -s --noproxy '*' --cacert " + relay.ca_file() + " " + relay.url("localhost") + "metrics";  // url() ends with /
    std::FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("cannot run curl");
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
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// CPU seconds (user + system, all threads) of process `pid` so far.
double cpu_seconds(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));  // after "pid (name) "
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i)
        if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The Windows client's "trace <unix us> <step>" lines (TETHER_TRACE=1) as
// ms after `t0` (our steady clock; `wall0` is the wall clock at t0).
void add_trace(const std::string& err, std::chrono::system_clock::time_point wall0,
               std::vector<std::pair<double, std::string>>& out) {
    std::istringstream in(err);
    std::regex line("trace ([0-9]+) (.*)\r?$");
    for (std::string l; std::getline(in, l);) {
        std::smatch m;
        if (!std::regex_search(l, m, line)) continue;
        auto at = std::chrono::system_clock::time_point(std::chrono::microseconds(std::stoll(m[1])));
        out.emplace_back(std::chrono::duration<double, std::milli>(at - wall0).count(), "client " + m[2].str());
    }
}

// `run` (1, 2, ...) changes the colours, so no square is already there.
Sample one(const test_support::Relay& relay, const std::string& display, bool windows, int changes, int run,
           std::chrono::milliseconds typing, const std::string& exe, bool warm_screen) {
    Scratch dir;
    int port = test_support::free_port();
    Session s(relay_args(relay), {"--snapshot", dir / "first.png", "--vnc-listen", "127.0.0.1:" + std::to_string(port)});
    s.code_on_stdin = true;
    auto started = Clock::now();
    if (windows) {
        auto o = on_display(Args{exe} + client_args(s, "Z:" + s.client_in.path()) + relay_args(relay),
                            display, WINE_PREFIX_SCREEN);
        o.stdin_path.clear();  // a pipe: the code comes later
        // Files, not pipes: wine's helpers inherit them and outlive the program.
        o.stdout_path = dir / "client.out";
        o.stderr_path = dir / "client.err";
        o.env["TETHER_TRACE"] = "1";
        if (!warm_screen) o.env["TETHER_WARM_UP_SCREEN"] = "0";  // the before figures
        s.client = std::make_unique<test_support::Process>(o);
    } else {
        s.start_linux_client(display, relay_args(relay));
    }
    auto client = [&] { return read_status(s.client_status); };
    auto up = when([&] { return client()["active"] == "no"; }, std::chrono::seconds(90));
    std::this_thread::sleep_for(typing);
    s.give_code();
    auto t0 = Clock::now();
    auto wall0 = std::chrono::system_clock::now();
    Sample out;
    auto ms = [&](Clock::time_point t) { return std::chrono::duration<double, std::milli>(t - t0).count(); };
    std::string last_client, last_desk;
    Clock::time_point t_auth{}, t_frame{};
    for (auto end = t0 + std::chrono::seconds(90);; std::this_thread::sleep_for(std::chrono::microseconds(500))) {
        auto now = Clock::now();
        if (now > end) throw std::runtime_error("no first frame within 90 s");
        auto c = client();
        auto d = read_status(s.desk_status);
        if (!c["status"].empty() && c["status"] != last_client)
            out.timeline.emplace_back(ms(now), "client status: " + (last_client = c["status"]));
        if (!d["status"].empty() && d["status"] != last_desk)
            out.timeline.emplace_back(ms(now), "desk status: " + (last_desk = d["status"]));
        if (t_auth == Clock::time_point{} && !c["auth"].empty()) {
            t_auth = now;
            out.timeline.emplace_back(ms(now), "client auth");
        }
        if (!d["frames"].empty() && d["frames"] != "0") {
            t_frame = now;
            out.timeline.emplace_back(ms(now), "desk first full frame");
            break;
        }
    }
    if (t_auth == Clock::time_point{}) t_auth = t_frame;
    if (windows) add_trace(slurp(dir / "client.err"), wall0, out.timeline);
    std::stable_sort(out.timeline.begin(), out.timeline.end());
    out.start_s = seconds(up - started);
    out.connect_s = seconds(t_auth - t0);
    out.screen_s = seconds(t_frame - t_auth);
    out.first_s = seconds(t_frame - t0);

    DeskPicture desk(port);
    screentest::Painter painter(display);
    std::vector<double> lat;
    double bytes0 = client_to_desk_bytes(relay);
    for (int i = 0; i < changes; ++i) {
        int x = 64 + (i * 97) % 600, y = 64 + (i * 61) % 400;
        std::uint32_t colour = (0x102030u * static_cast<std::uint32_t>(i + 1) + 0x2a1b0cu * static_cast<std::uint32_t>(run)) & 0xffffffu;
        painter.fill(x, y, 64, 64, colour);
        auto p0 = Clock::now();
        if (!desk.pixel_is(x + 32, y + 32, colour, std::chrono::seconds(10)))
            throw std::runtime_error("a change did not reach the desk");
        lat.push_back(seconds(Clock::now() - p0) * 1000);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // both servers idle again
    }
    out.bytes = client_to_desk_bytes(relay) - bytes0;
    out.change_ms = median(lat);
    // Idle: the desk waits for a change that does not come (the Windows
    // server grabs and compares every 16 ms meanwhile; Linux waits on XDamage).
    double cpu0 = cpu_seconds(s.client->pid());
    auto i0 = Clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(3));
    out.idle_cpu = 100 * (cpu_seconds(s.client->pid()) - cpu0) / seconds(Clock::now() - i0);
    return out;
}

// A trivial Windows program's start and exit under wine in the screen
// prefix: winctl.exe finds no window and exits (3) at once.
double trivial_exe_s(const std::string& display) {
    auto o = on_display(Args{WINCTL_EXE, "dump"}, display, WINE_PREFIX_SCREEN);
    Scratch dir;
    o.stdout_path = dir / "out";
    o.stderr_path = dir / "err";
    auto t0 = Clock::now();
    test_support::Process p(o);
    p.wait(std::chrono::seconds(60));
    return seconds(Clock::now() - t0);
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 3, changes = 20;
    double typing_s = 3;
    bool phases = false;
    std::string exe = WINCLIENT_EXE;
    bool warm_screen = true, time_trivial = false;
    for (int i = 1; i < argc; ++i) {
        bool value = i + 1 < argc;
        if (!std::strcmp(argv[i], "--phases")) phases = true;
        else if (value && !std::strcmp(argv[i], "--rounds")) rounds = std::stoi(argv[++i]);
        else if (value && !std::strcmp(argv[i], "--changes")) changes = std::stoi(argv[++i]);
        else if (value && !std::strcmp(argv[i], "--typing-s")) typing_s = std::stod(argv[++i]);
        else if (value && !std::strcmp(argv[i], "--windows-exe")) exe = argv[++i];
        else if (!std::strcmp(argv[i], "--no-screen-warm-up")) warm_screen = false;
        else if (!std::strcmp(argv[i], "--trivial-exe")) time_trivial = true;
    }
    const auto typing = std::chrono::milliseconds(static_cast<long>(typing_s * 1000));
    try {
        test_support::Relay relay;
        screentest::Xvfb x(800, 600);
        std::vector<double> start[2], connect[2], screen[2], first[2], change[2], bytes[2], idle[2], trivial;
        for (int r = 0; r < rounds; ++r) {
            if (time_trivial) trivial.push_back(trivial_exe_s(x.name()));
            for (int w = 0; w < 2; ++w) {
                int who = r % 2 ? 1 - w : w;  // alternate which goes first
                Sample s = one(relay, x.name(), who == 1, changes, 2 * r + w + 1, typing, exe, warm_screen);
                start[who].push_back(s.start_s);
                connect[who].push_back(s.connect_s);
                screen[who].push_back(s.screen_s);
                first[who].push_back(s.first_s);
                change[who].push_back(s.change_ms);
                bytes[who].push_back(s.bytes);
                idle[who].push_back(s.idle_cpu);
                std::printf("round %d %-7s start %.2f s  connect %.3f s  screen %.3f s  first frame %.3f s  "
                            "change median %.1f ms  bytes %.0f  idle cpu %.0f%%\n",
                            r + 1, who ? "windows" : "linux", s.start_s, s.connect_s, s.screen_s, s.first_s,
                            s.change_ms, s.bytes, s.idle_cpu);
                if (phases)
                    for (auto& [t, what] : s.timeline) std::printf("    %+8.1f ms  %s\n", t, what.c_str());
                std::fflush(stdout);
            }
            if (time_trivial) std::printf("round %d a trivial Windows program under wine: %.2f s\n", r + 1, trivial.back());
        }
        auto ratio = [&](std::vector<double>* v) { return median(v[1]) / std::max(1e-9, median(v[0])); };
        std::printf("%s%s; typing %.1f s, %d rounds, medians (linux / windows):\n", exe.c_str(),
                    warm_screen ? "" : " without the screen warm-up", typing_s, rounds);
        std::printf("start: %.2f s / %.2f s (a trivial exe under wine: %.2f s)\n", median(start[0]), median(start[1]),
                    median(trivial));
        std::printf("connect: %.3f s / %.3f s: %.2fx\n", median(connect[0]), median(connect[1]), ratio(connect));
        std::printf("screen (auth to first frame): %.3f s / %.3f s: %.2fx\n", median(screen[0]), median(screen[1]),
                    ratio(screen));
        std::printf("first frame: %.3f s / %.3f s: %.2fx (target <= 1.5x)\n", median(first[0]), median(first[1]),
                    ratio(first));
        std::printf("change: %.1f ms / %.1f ms: %.2fx (target <= 2x)\n", median(change[0]), median(change[1]),
                    ratio(change));
        std::printf("bytes: %.0f / %.0f: %.2fx (target <= 1.5x)\n", median(bytes[0]), median(bytes[1]), ratio(bytes));
        std::printf("idle cpu (the client's process, %% of one core): %.0f / %.0f\n", median(idle[0]), median(idle[1]));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_winscreen: %s\n", e.what());
        return 1;
    }
}
