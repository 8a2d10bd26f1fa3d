// bench_tunnel: tether-tunnel versus a socat TLS relay through the same
// squid, in one run: bulk throughput (a -> b, MiB/s) and small-message round
// trip (a -> b -> a, median ms). Prints both and the ratios against the
// targets (throughput >= 0.8x socat, RTT <= 1.5x socat). Exit 1 if bytes
// did not arrive intact; the numbers themselves never fail the run.
//
//   bench_tunnel [--megabytes N (200)] [--round-trips N (200)] [--repeat N (3)]
//
// With --repeat, the two ways alternate (tether, socat, tether, ...) and the
// medians are reported: the machine's load then hits both alike.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <thread>

#include "paths.h"
#include "support/sha256.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using bench::Path;
using bench::Process;

struct Result {
    double mib_per_s = 0;
    double rtt_ms = 0;
    bool intact = false;
};

std::uint64_t file_size(const std::string& path) {
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// Writes `in` into a's stdin and times until all of it is in `out`.
double throughput(Path& p, const std::string& in, const std::string& out, bool& intact) {
    std::uint64_t size = file_size(in);
    auto t0 = Clock::now();
    std::thread writer([&] {
        std::ifstream f(in, std::ios::binary);
        std::string buf(256 * 1024, '\0');
        while (f.read(&buf[0], static_cast<std::streamsize>(buf.size())) || f.gcount() > 0)
            p.a().write_stdin(buf.substr(0, static_cast<std::size_t>(f.gcount())));
    });
    auto deadline = t0 + 300s;
    // b writes to a file in another process: its size is all we can watch.
    while (file_size(out) < size && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    writer.join();
    intact = test_support::sha256_file(out) == test_support::sha256_file(in);
    return static_cast<double>(size) / (1024.0 * 1024.0) / secs;
}

// One line a -> b, echoed by us b -> a; median of `n` round trips (ms).
// Intact: both sides received exactly the lines sent, in order.
double round_trip(Path& p, int n, bool& intact) {
    std::vector<double> ms;
    std::string expected;
    const std::string pad(48, 'x');  // ~64-byte messages
    for (int i = 0; i < n; ++i) {
        std::string tag = "ping " + std::to_string(i) + " ", line = tag + pad + "\n";
        expected += line;
        auto t0 = Clock::now();
        p.a().write_stdin(line);
        p.b().wait_for_line(Process::Stream::out, "^" + tag, 10s);
        p.b().write_stdin(line);
        p.a().wait_for_line(Process::Stream::out, "^" + tag, 10s);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    intact = p.a().out() == expected && p.b().out() == expected;
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

struct Args {
    int megabytes = 200;
    int round_trips = 200;
    int repeat = 3;
};

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--megabytes")) a.megabytes = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--round-trips")) a.round_trips = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--repeat")) a.repeat = std::atoi(argv[i + 1]);
        else throw std::runtime_error(std::string("unknown option ") + argv[i]);
    }
    if (a.megabytes < 1 || a.round_trips < 1 || a.repeat < 1) throw std::runtime_error("sizes must be positive");
    return a;
}

using MakePath = std::function<std::unique_ptr<Path>(const std::string& b_out)>;

// Fresh paths for each measurement, so neither inherits the other's state.
Result measure(const MakePath& make, const test_support::TempDir& dir, const std::string& name,
               const Args& args) {
    Result r;
    bool bulk_ok = false, rtt_ok = false;
    {
        std::string out = dir.file(name + ".out");
        auto p = make(out);
        r.mib_per_s = throughput(*p, dir.file("bulk.in"), out, bulk_ok);
    }
    {
        auto p = make("");
        r.rtt_ms = round_trip(*p, args.round_trips, rtt_ok);
    }
    r.intact = bulk_ok && rtt_ok;
    return r;
}

// Median throughput and RTT of the runs; intact only if every run was.
Result median(std::vector<Result> runs) {
    Result m;
    m.intact = std::all_of(runs.begin(), runs.end(), [](const Result& r) { return r.intact; });
    auto mid = runs.size() / 2;
    std::nth_element(runs.begin(), runs.begin() + mid, runs.end(),
                     [](const Result& a, const Result& b) { return a.mib_per_s < b.mib_per_s; });
    m.mib_per_s = runs[mid].mib_per_s;
    std::nth_element(runs.begin(), runs.begin() + mid, runs.end(),
                     [](const Result& a, const Result& b) { return a.rtt_ms < b.rtt_ms; });
    m.rtt_ms = runs[mid].rtt_ms;
    return m;
}

void report(const Result& t, const Result& s, const Args& a) {
    std::printf("tether-tunnel vs socat, TLS on both legs through squid; %d MiB bulk, %d round trips, "
                "median of %d alternating runs\n", a.megabytes, a.round_trips, a.repeat);
    std::printf("%-15s %14s %14s %8s\n", "", "bulk MiB/s", "RTT median ms", "intact");
    std::printf("%-15s %14.1f %14.3f %8s\n", "tether-tunnel", t.mib_per_s, t.rtt_ms, t.intact ? "yes" : "NO");
    std::printf("%-15s %14.1f %14.3f %8s\n", "socat", s.mib_per_s, s.rtt_ms, s.intact ? "yes" : "NO");
    std::printf("ratio throughput %.2f (target >= 0.80), RTT %.2f (target <= 1.50)\n",
                t.mib_per_s / s.mib_per_s, t.rtt_ms / s.rtt_ms);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        Args args = parse(argc, argv);
        test_support::TempDir dir("tether-bench");
        test_support::write_random_file(dir.file("bulk.in"), std::uint64_t(args.megabytes) << 20, 7);
        test_support::Squid squid;
        test_support::Relay relay;
        std::vector<Result> tether, socat;
        for (int i = 0; i < args.repeat; ++i) {
            tether.push_back(measure([&](const std::string& out) { return bench::tether_path(squid, relay, out); },
                                     dir, "tether", args));
            socat.push_back(measure([&](const std::string& out) { return bench::socat_path(squid, dir, out); },
                                    dir, "socat", args));
        }
        Result t = median(tether), s = median(socat);
        report(t, s, args);
        return t.intact && s.intact ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_tunnel: %s\n", e.what());
        return 1;
    }
}
