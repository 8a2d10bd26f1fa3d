// bench_winclient: the Windows client under wine against the Linux client,
// side by side in one run, each with the Linux tether-desk (headless) and
// the same local tether-relay (directly, stream mode). Each client is
// started first with `--code -`, as a customer starts the program and then
// types the code read out on the phone; once it is up (its status file
// exists), the code is typed into its stdin TYPING seconds later. Per round
// and client:
//   connect  from the code given (written to the client's stdin) to its
//            authentication string appearing (relay session, peer, Noise
//            handshake and mux up: a working session); process start-up
//            and whatever the client did before the code came are not in it
//   file     MiB desk -> client: from the client's row first "running" to
//            "done" (hashed and verified), MB/s (10^6 bytes)
// Prints each round and the medians' ratios Windows/Linux: connect time
// (target <= 1.5x) and file throughput (target >= 0.8x). Exit 1 if a file
// arrived different or a session did not come up.
//   bench_winclient [--megabytes N=64] [--rounds N=3] [--typing-s S=3]
//                   [--link-mbps M --delay-ms D]
// (--typing-s 0: the code the moment the client is up, no time to prepare.
// --link-mbps: desk and clients reach the relay through bench/session's
// PacedLink, M Mbit/s per direction and connection, D ms each way.)
// The test fixtures (tests/screen) use Catch2 checks: its implementation,
// without its main.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>

#include "bench_when.h"
#include "harness.h"
#include "paced_link.h"
#include "support/sha256.h"
#include "winclient_fixture.h"

using namespace wintest;
using namespace winbench;  // Clock, when

namespace {

struct Sample {
    double connect_s = 0, file_mbs = 0;
};

Sample one(const Args& route, const std::string& display, bool windows, std::uint64_t bytes,
           std::chrono::milliseconds typing) {
    Scratch src;
    test_support::write_random_file(src / "payload.bin", bytes, 7);
    Session s(route, {"--send-file", src / "payload.bin"});
    s.code_on_stdin = true;
    if (windows) s.start_client(route);
    else s.start_linux_client(display, route);
    auto status = [&](const std::string& k) { return read_status(s.client_status)[k]; };
    when([&] { return status("active") == "no"; }, std::chrono::seconds(60));  // up, waiting for the code
    std::this_thread::sleep_for(typing);
    s.give_code();
    auto t0 = Clock::now();
    auto t1 = when([&] { return !status("auth").empty(); }, std::chrono::seconds(60));
    auto row = [&] { return read_status(s.client_status)["file.1.state"]; };
    auto f0 = when([&] { return row() == "running" || row() == "done"; }, std::chrono::seconds(120));
    auto f1 = when([&] { return row() == "done"; }, std::chrono::seconds(600));
    if (test_support::sha256_file(s.client_in / "payload.bin") != test_support::sha256_file(src / "payload.bin"))
        throw std::runtime_error("the file arrived different");
    Sample out;
    out.connect_s = std::chrono::duration<double>(t1 - t0).count();
    out.file_mbs = bytes / 1e6 / std::max(1e-6, std::chrono::duration<double>(f1 - f0).count());
    return out;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t mib = 64;
    int rounds = 3;
    double typing_s = 3;  // a person typing six digits read out on the phone
    double mbps = 0, delay_ms = 0;  // 0: loopback, unpaced
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--megabytes")) mib = std::stoull(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--rounds")) rounds = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--typing-s")) typing_s = std::stod(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--link-mbps")) mbps = std::stod(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--delay-ms")) delay_ms = std::stod(argv[i + 1]);
    }
    const auto typing = std::chrono::milliseconds(static_cast<long>(typing_s * 1000));
    try {
        test_support::Relay relay;
        std::unique_ptr<bench::PacedLink> link;
        Args route = relay_args(relay);
        if (mbps > 0) {
            link = std::make_unique<bench::PacedLink>(relay.port(), mbps, delay_ms);
            route = {"--relay", "https://localhost:" + std::to_string(link->port()) + "/", "--ca", relay.ca_file()};
            std::printf("link: %.0f Mbit/s, %.0f ms each way\n", mbps, delay_ms);
        }
        screentest::Xvfb x;  // the Linux client serves a screen
        std::vector<double> conn[2], mbs[2];
        for (int r = 0; r < rounds; ++r)
            for (int w = 0; w < 2; ++w) {
                Sample s = one(route, x.name(), w == 1, mib * 1024 * 1024, typing);
                conn[w].push_back(s.connect_s);
                mbs[w].push_back(s.file_mbs);
                std::printf("round %d %-7s connect %.3f s  file %llu MiB %.1f MB/s\n", r + 1, w ? "windows" : "linux",
                            s.connect_s, static_cast<unsigned long long>(mib), s.file_mbs);
                std::fflush(stdout);
            }
        double c = median(conn[1]) / median(conn[0]), f = median(mbs[1]) / median(mbs[0]);
        std::printf("median connect (code given %.1f s after start-up): linux %.3f s, windows %.3f s: %.2fx "
                    "(target <= 1.5x)\n", typing_s, median(conn[0]), median(conn[1]), c);
        std::printf("median file: linux %.1f MB/s, windows %.1f MB/s: %.2fx (target >= 0.8x)\n", median(mbs[0]),
                    median(mbs[1]), f);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_winclient: %s\n", e.what());
        return 1;
    }
}
