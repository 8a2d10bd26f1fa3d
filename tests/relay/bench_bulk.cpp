// relay_bench_bulk: bulk throughput through a real tether-relay and the
// relay's CPU seconds per GiB. One paired stream-mode session: the desk's
// uplink sends N MiB of data frames (16 KiB of bytes each, 4 to a chunk, as
// a session stream writes them), the client's downlink reads until a last
// marker frame arrives. No end-to-end layer, no proxy: the relay's own cost.
//   relay_bench_bulk [--mib N] [--repeat N] [--relay PATH] [--baseline PATH]
// With --baseline the runs alternate (tested, baseline, tested, ...), --repeat
// of each, and the medians are printed side by side: on a shared machine
// only runs taken in turn compare. Keep a run under the relay's uplink idle
// timeout (15 s): the client's uplink sends nothing meanwhile.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bench_client.h"

namespace {

using namespace relay_bench;

constexpr std::size_t kFrameBytes = 16 * 1024;  // data bytes per frame
constexpr int kFramesPerChunk = 4;

struct Bulk {
    double mib_per_s = 0, cpu_s_per_gib = 0;
};

std::string data_chunk() {
    std::string frames;
    const std::string zeros(kFrameBytes, '\0');
    for (int i = 0; i < kFramesPerChunk; ++i) wire::append_data(frames, i * kFrameBytes, zeros.data(), zeros.size());
    return chunk(frames);
}

std::string marker_frame() {
    const std::string tag = "tether relay_bench_bulk: last frame";
    std::string f;
    wire::append_data(f, 0, tag.data(), tag.size());
    return f;
}

// One relay, one session, `mib` MiB desk -> client.
Bulk run_bulk(const std::string& binary, int mib) {
    char tmpl[] = "/tmp/relay-bulk-XXXXXX";
    const std::string state = mkdtemp(tmpl);
    Relay relay = start_relay(binary, state);
    Bulk out;
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    try {
        SSL_CTX_load_verify_locations(ctx, relay.ca.c_str(), nullptr);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
        auto created = post_json(ctx, relay.port, "/v1/sessions", "{}");
        auto joined = post_json(ctx, relay.port, "/v1/sessions/join", nlohmann::json{{"code", created["code"]}}.dump());
        SideStreams desk = open_side(ctx, relay.port, created["token"]);
        SideStreams client = open_side(ctx, relay.port, joined["token"]);
        const std::string piece = data_chunk(), marker = marker_frame();
        const int pieces = int(std::int64_t(mib) * 1024 * 1024 / (kFrameBytes * kFramesPerChunk));
        std::size_t received = 0;
        const double cpu0 = cpu_seconds(relay.pid);
        const auto t0 = std::chrono::steady_clock::now();
        std::thread reader([&] { received = client.down->read_through(marker, 120s); });
        for (int i = 0; i < pieces; ++i) desk.up->write(piece);
        desk.up->write(chunk(marker));
        reader.join();
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (received < std::size_t(pieces) * kFrameBytes * kFramesPerChunk) throw std::runtime_error("bytes missing");
        out.mib_per_s = mib / secs;
        out.cpu_s_per_gib = (cpu_seconds(relay.pid) - cpu0) / (mib / 1024.0);
    } catch (const std::exception& e) {
        std::cerr << "relay_bench_bulk: " << binary << ": " << e.what() << std::endl;
    }
    SSL_CTX_free(ctx);
    kill(relay.pid, SIGTERM);
    waitpid(relay.pid, nullptr, 0);
    std::filesystem::remove_all(state);
    return out;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct Series {
    std::vector<double> mib_per_s, cpu_s_per_gib;
    void add(const Bulk& b) {
        if (b.mib_per_s <= 0) return;  // a failed run (reported on stderr)
        mib_per_s.push_back(b.mib_per_s);
        cpu_s_per_gib.push_back(b.cpu_s_per_gib);
    }
};

void print_row(const char* name, const Series& s) {
    std::cout << "| " << name << " | " << s.mib_per_s.size() << " | " << median(s.mib_per_s) << " | "
              << median(s.cpu_s_per_gib) << " |\n";
}

}  // namespace

int main(int argc, char* argv[]) {
    int mib = 256, repeat = 3;
    std::string binary = TETHER_RELAY_BIN, baseline;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--mib") mib = std::stoi(argv[i + 1]);
        else if (a == "--repeat") repeat = std::stoi(argv[i + 1]);
        else if (a == "--relay") binary = argv[i + 1];
        else if (a == "--baseline") baseline = argv[i + 1];
    }
    signal(SIGPIPE, SIG_IGN);
    Series ours, base;
    for (int r = 0; r < repeat; ++r) {
        const Bulk b = run_bulk(binary, mib);
        std::cout << "tested: " << b.mib_per_s << " MiB/s, " << b.cpu_s_per_gib << " relay CPU s/GiB" << std::endl;
        ours.add(b);
        if (baseline.empty()) continue;
        const Bulk c = run_bulk(baseline, mib);
        std::cout << "baseline: " << c.mib_per_s << " MiB/s, " << c.cpu_s_per_gib << " relay CPU s/GiB" << std::endl;
        base.add(c);
    }
    std::cout << "\n| relay | runs | MiB/s (median) | relay CPU s per GiB (median) |\n|---|---|---|---|\n";
    print_row("tested", ours);
    if (!baseline.empty()) print_row("baseline", base);
    return ours.mib_per_s.size() == std::size_t(repeat) ? 0 : 1;
}
