// bench_poll (issue 3): Tether poll mode versus GNU httptunnel (hts/htc)
// through the same squid, with Tether stream mode alongside, in one run:
//   - bulk: N MiB one way (Tether client -> desk, httptunnel hts -> htc;
//     --upload: the other way), timed until the receiver has every byte
//     (MiB/s, MiB = 2^20 bytes); the bytes are compared exactly;
//   - round trip: 1-byte ping-pongs near -> far -> near, echoed by us at the
//     far end (median and p90, ms); poll and stream mode interleaved.
// Prints a table and the ratios against the targets: poll throughput >= 1.0x
// httptunnel (which does no encryption), poll RTT <= 2.0x stream RTT. The
// targets are printed as PASS/MISS, never asserted: the exit code is 1 only
// when a way failed to run or bytes did not arrive intact.
//
//   bench_poll [--mib N (64)] [--rtt-count N (200)] [--upload]
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/relay_fixture.h"
#include "support/squid.h"
#include "ways.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using bench_poll::Link;
using bench_poll::Way;

constexpr std::size_t kMiB = 1024 * 1024;
constexpr std::size_t kWriteChunk = 256 * 1024;  // bytes per write() of the bulk sender
constexpr int kWarmup = 5;                       // ping-pongs before the counted ones
constexpr auto kStall = 10s;  // no byte (bulk) or no echo (RTT) for this long: the way is stuck

struct Args {
    int mib = 64;
    int rtt_count = 200;
    // Bulk near -> far instead: Tether desk -> client; httptunnel htc -> hts,
    // which stalls through squid here (see README.md).
    bool upload = false;
};

// One row of the table. Throughput in MiB/s, round trips in ms.
struct Result {
    std::string name;
    std::string detail;             // what carried the bytes, and what failed
    bool bulk_ran = false, rtt_ran = false;  // the measurement completed
    bool intact = false;            // every byte of both arrived exactly as sent
    double mib_per_s = 0;
    double rtt_median_ms = 0, rtt_p90_ms = 0;
    bool ran() const { return bulk_ran && rtt_ran; }
};

// Calls `on_expiry` once when nothing kicked it for `idle`, or `total`
// passed, unless destroyed first: makes every blocking read/write of a
// measurement a bounded wait (abort() wakes them).
class Watchdog {
public:
    Watchdog(std::chrono::milliseconds idle, std::chrono::milliseconds total, std::function<void()> on_expiry)
        : idle_(idle), end_(Clock::now() + total), last_kick_(Clock::now()),
          thread_([this, f = std::move(on_expiry)] { run(f); }) {}
    ~Watchdog() {
        {
            std::lock_guard<std::mutex> lk(mu_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    void kick() {
        std::lock_guard<std::mutex> lk(mu_);
        last_kick_ = Clock::now();
    }
    // Why it fired ("" if it did not), for error messages.
    std::string fired() {
        std::lock_guard<std::mutex> lk(mu_);
        return why_;
    }

private:
    void run(const std::function<void()>& f) {
        std::unique_lock<std::mutex> lk(mu_);
        while (!done_) {
            auto now = Clock::now();
            if (now >= end_ || now >= last_kick_ + idle_) {
                why_ = now >= end_ ? " (time limit)" : " (nothing moved for " +
                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(idle_).count()) + " s)";
                lk.unlock();
                f();
                return;
            }
            cv_.wait_until(lk, std::min(end_, last_kick_ + idle_));
        }
    }

    const std::chrono::milliseconds idle_;
    const Clock::time_point end_;
    std::mutex mu_;
    std::condition_variable cv_;
    Clock::time_point last_kick_;
    bool done_ = false;
    std::string why_;
    std::thread thread_;  // last: starts after the members it uses
};

// Reproducible pseudo-random bytes (xorshift), incompressible.
std::string pattern(std::size_t n) {
    std::string s(n, '\0');
    std::uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (auto& c : s) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        c = static_cast<char>(x);
    }
    return s;
}

void abort_both(Way& w) {
    w.near().abort();
    w.far().abort();
}

// Writes `data` into `from` while reading and comparing it at `to`.
// Returns MiB/s from the first write to the last byte read; sets `intact`.
// Throws when the bytes stop short (stream failed, stalled for kStall, or
// the time limit passed).
double bulk(Way& w, Link& from, Link& to, const std::string& data, std::chrono::seconds limit, bool& intact) {
    Watchdog dog(kStall, limit, [&] { abort_both(w); });
    std::string write_error;
    auto t0 = Clock::now();
    std::thread writer([&] {
        try {
            for (std::size_t i = 0; i < data.size(); i += kWriteChunk)
                from.write(data.data() + i, std::min(kWriteChunk, data.size() - i));
            // No half-close: timing stops at the last byte read anyway, and
            // from htc's side it ends the whole tunnel, which would turn
            // httptunnel's upload stall into a misleading early EOF.
        } catch (const std::exception& e) {
            write_error = e.what();
        }
    });
    std::vector<char> buf(kWriteChunk);
    std::size_t got = 0;
    bool same = true;
    std::string read_error;
    try {
        while (got < data.size()) {
            std::size_t n = to.read(buf.data(), buf.size());
            if (n == 0) break;
            dog.kick();
            same = same && got + n <= data.size() && std::memcmp(buf.data(), data.data() + got, n) == 0;
            got += n;
        }
    } catch (const std::exception& e) {
        read_error = e.what();
    }
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    if (got < data.size()) abort_both(w);  // let a writer stuck on back-pressure go
    writer.join();
    if (got < data.size())
        throw std::runtime_error("bulk: " + std::to_string(got) + " of " + std::to_string(data.size()) +
                                 " bytes arrived" + dog.fired() +
                                 (read_error.empty() ? "" : "; read: " + read_error) +
                                 (write_error.empty() ? "" : "; write: " + write_error));
    intact = same && got == data.size();
    return static_cast<double>(data.size()) / static_cast<double>(kMiB) / secs;
}

// Echoes everything the far end reads until it ends or is aborted.
void echo(Link& far) {
    try {
        char b[4096];
        while (std::size_t n = far.read(b, sizeof b)) far.write(b, n);
    } catch (const std::exception&) {
        // aborted at the end of the measurement
    }
}

// Value at fraction q (0..1) of sorted samples, nearest rank.
double percentile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    std::size_t rank = static_cast<std::size_t>(q * static_cast<double>(v.size()) + 0.999999);
    return v[std::min(v.size(), std::max<std::size_t>(rank, 1)) - 1];
}

// 1-byte ping-pongs on several ways at once, interleaved in blocks of
// kRttBlock (way 1, way 2, way 1, ...), so that every way sees the same
// machine: on 2 shared cores the load drifts, and measuring one way after
// the other made their ratio swing by +-30%. Each way first does kWarmup
// uncounted ones. Returns `count` samples in ms per way. Sets `intact` when
// every echo was the byte sent.
constexpr int kRttBlock = 10;

std::vector<std::vector<double>> round_trips(const std::vector<Way*>& ways, int count, std::chrono::seconds limit,
                                             bool& intact) {
    std::vector<std::thread> echoers;
    for (Way* w : ways) echoers.emplace_back([w] { echo(w->far()); });
    std::vector<std::vector<double>> ms(ways.size());
    std::string error;
    intact = true;
    {
        Watchdog dog(kStall, limit, [&] { for (Way* w : ways) abort_both(*w); });
        try {
            auto ping_pong = [&](Way& w, int i) {
                char ping = static_cast<char>('a' + i % 26), pong = 0;
                auto t0 = Clock::now();
                w.near().write(&ping, 1);
                if (w.near().read(&pong, 1) != 1) throw std::runtime_error("the way ended");
                intact = intact && pong == ping;
                dog.kick();
                return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            };
            for (Way* w : ways)
                for (int i = 0; i < kWarmup; ++i) ping_pong(*w, i);
            for (int done = 0; done < count; done += kRttBlock)
                for (std::size_t k = 0; k < ways.size(); ++k)
                    for (int i = done; i < std::min(count, done + kRttBlock); ++i) ms[k].push_back(ping_pong(*ways[k], i));
        } catch (const std::exception& e) {
            error = e.what() + dog.fired();
        }
    }
    for (Way* w : ways) w->far().abort();  // ends the echo threads
    for (auto& t : echoers) t.join();
    if (!error.empty()) throw std::runtime_error("round trips: " + error);
    return ms;
}

using MakeWay = std::function<std::unique_ptr<Way>()>;

// Runs `part` on a fresh way (so that no measurement inherits another's
// state: windows, queued acks, half-closed tunnels). False, with the reason
// added to r.detail, when it threw.
bool on_fresh_way(const MakeWay& make, Result& r, const char* what, const std::function<void(Way&)>& part) {
    try {
        auto w = make();
        if (r.detail.empty()) r.detail = w->describe();
        part(*w);
        return true;
    } catch (const std::exception& e) {
        r.detail += std::string(r.detail.empty() ? "" : "; ") + what + " FAILED: " + e.what();
        return false;
    }
}

// Bulk, then (with_rtt) round trips on a fresh way; one failing does not
// skip the other.
Result measure(const std::string& name, const MakeWay& make, const std::string& data, const Args& args,
               bool with_rtt = true) {
    Result r;
    r.name = name;
    std::fprintf(stderr, "bench_poll: %s...\n", name.c_str());
    bool bulk_ok = false, rtt_ok = false;
    r.bulk_ran = on_fresh_way(make, r, "bulk", [&](Way& w) {
        auto limit = std::chrono::seconds(60 + 4 * args.mib);  // 0.25 MiB/s at worst
        // Default far -> near: the screen's direction in Tether (client ->
        // desk), and hts -> htc (one long GET response) in httptunnel.
        Link& from = args.upload ? w.near() : w.far();
        Link& to = args.upload ? w.far() : w.near();
        r.mib_per_s = bulk(w, from, to, data, limit, bulk_ok);
    });
    if (with_rtt) {
        r.rtt_ran = on_fresh_way(make, r, "round trips", [&](Way& w) {
            auto ms = round_trips({&w}, args.rtt_count, std::chrono::seconds(60 + args.rtt_count / 4), rtt_ok);
            r.rtt_median_ms = percentile(ms[0], 0.5);
            r.rtt_p90_ms = percentile(ms[0], 0.9);
        });
    }
    r.intact = bulk_ok && (rtt_ok || !with_rtt);
    return r;
}

// Round trips of two modes interleaved (see round_trips), each on a fresh way.
void measure_rtt_side_by_side(Result& a, const MakeWay& make_a, Result& b, const MakeWay& make_b, const Args& args) {
    std::fprintf(stderr, "bench_poll: round trips of %s and %s, interleaved...\n", a.name.c_str(), b.name.c_str());
    bool ok = false;
    try {
        auto wa = make_a();
        auto wb = make_b();
        auto ms = round_trips({wa.get(), wb.get()}, args.rtt_count,
                              std::chrono::seconds(60 + args.rtt_count / 2), ok);
        a.rtt_median_ms = percentile(ms[0], 0.5);
        a.rtt_p90_ms = percentile(ms[0], 0.9);
        b.rtt_median_ms = percentile(ms[1], 0.5);
        b.rtt_p90_ms = percentile(ms[1], 0.9);
        a.rtt_ran = b.rtt_ran = true;
    } catch (const std::exception& e) {
        for (Result* r : {&a, &b}) r->detail += std::string("; round trips FAILED: ") + e.what();
    }
    a.intact = a.intact && ok;
    b.intact = b.intact && ok;
}

// A number, or "-" when its measurement did not complete.
std::string cell(bool ran, double v, int decimals) {
    if (!ran) return "-";
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

void print_row(const Result& r) {
    std::printf("%-15s %10s %10s %10s %7s  %s\n", r.name.c_str(), cell(r.bulk_ran, r.mib_per_s, 1).c_str(),
                cell(r.rtt_ran, r.rtt_median_ms, 3).c_str(), cell(r.rtt_ran, r.rtt_p90_ms, 3).c_str(),
                r.intact ? "yes" : "NO", r.detail.c_str());
}

// "ratio (target) PASS|MISS", or n/a when a side did not run.
void print_ratio(const char* what, bool valid, double ratio, const char* cmp, double target, bool pass) {
    if (!valid) {
        std::printf("%-34s   n/a (target %s %.2f)\n", what, cmp, target);
        return;
    }
    std::printf("%-34s %5.2f (target %s %.2f) %s\n", what, ratio, cmp, target, pass ? "PASS" : "MISS");
}

void report(const Result& poll, const Result& stream, const Result& ht, const Args& a,
            const test_support::Squid& squid) {
    std::printf("\nbench_poll: %d MiB bulk one way (%s), %d round trips of 1 byte (after %d warm-up), "
                "all through squid %s\n",
                a.mib, a.upload ? "desk -> client, htc -> hts" : "client -> desk, hts -> htc", a.rtt_count,
                kWarmup, squid.host_port().c_str());
    std::printf("%-15s %10s %10s %10s %7s  %s\n", "way", "bulk MiB/s", "RTT med ms", "RTT p90 ms",
                "intact", "carried by");
    for (const Result* r : {&poll, &stream, &ht}) print_row(*r);
    double tp = poll.mib_per_s / ht.mib_per_s, rt = poll.rtt_median_ms / stream.rtt_median_ms;
    print_ratio("poll / httptunnel throughput", poll.bulk_ran && ht.bulk_ran, tp, ">=", 1.0, tp >= 1.0);
    print_ratio("poll / stream RTT (median)", poll.rtt_ran && stream.rtt_ran, rt, "<=", 2.0, rt <= 2.0);
    // For information only: no target.
    if (poll.rtt_ran && stream.rtt_ran)
        std::printf("%-34s %5.2f (information)\n", "poll / stream RTT (p90)", poll.rtt_p90_ms / stream.rtt_p90_ms);
    if (poll.rtt_ran && ht.rtt_ran)
        std::printf("%-34s %5.2f (information)\n", "poll / httptunnel RTT (median)", poll.rtt_median_ms / ht.rtt_median_ms);
}

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string opt = argv[i];
        if (opt == "--help" || opt == "-h") {
            std::printf("usage: bench_poll [--mib N (64)] [--rtt-count N (200)] [--upload]\n");
            std::exit(0);
        }
        if (opt == "--upload") {
            a.upload = true;
            continue;
        }
        if (i + 1 >= argc) throw std::runtime_error("missing value after " + opt);
        if (opt == "--mib") a.mib = std::atoi(argv[++i]);
        else if (opt == "--rtt-count") a.rtt_count = std::atoi(argv[++i]);
        else throw std::runtime_error("unknown option " + opt);
    }
    if (a.mib < 1 || a.rtt_count < 1) throw std::runtime_error("--mib and --rtt-count must be positive");
    return a;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        Args args = parse(argc, argv);
        const std::string data = pattern(std::size_t(args.mib) * kMiB);
        test_support::Squid squid;
        test_support::Relay relay;
        auto tether = [&](tunnel::TransportMode m) {
            return [&squid, &relay, m] { return bench_poll::tether_way(squid, relay, m); };
        };
        Result poll = measure("tether poll", tether(tunnel::TransportMode::poll), data, args, false);
        Result stream = measure("tether stream", tether(tunnel::TransportMode::stream), data, args, false);
        // The target compares these two: measured side by side.
        measure_rtt_side_by_side(poll, tether(tunnel::TransportMode::poll), stream,
                                 tether(tunnel::TransportMode::stream), args);
        Result ht = measure("httptunnel", [&] { return bench_poll::httptunnel_way(squid); }, data, args);
        report(poll, stream, ht, args, squid);
        bool ok = poll.ran() && stream.ran() && ht.ran() && poll.intact && stream.intact && ht.intact;
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_poll: %s\n", e.what());
        return 1;
    }
}
