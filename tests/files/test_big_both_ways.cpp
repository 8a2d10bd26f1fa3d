// 1 GiB each way at the same time over one stream pair: both arrive
// identical and the process never buffers a file (peak RSS growth bounded).
#include <catch2/catch.hpp>

#include <fstream>

#include "files/sha256.h"
#include "harness.h"

namespace {

// Peak resident memory of this process so far (VmHWM), in bytes.
std::uint64_t peak_rss_bytes() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // kB in the file
    FAIL("no VmHWM in /proc/self/status");
    return 0;
}

constexpr std::uint64_t kSize = std::uint64_t{1} << 30;       // 1 GiB per direction
constexpr std::uint64_t kRssBudget = std::uint64_t{64} << 20;  // no whole-file buffering

// VmHWM only grows; sampling it during progress proves the bound held all along.
struct RssWatch {
    std::uint64_t start = peak_rss_bytes();
    std::atomic<std::uint64_t> worst{0};
    void sample() {
        std::uint64_t grow = peak_rss_bytes() - start;
        if (grow > worst) worst = grow;
    }
};

}  // namespace

TEST_CASE("1 GiB each way simultaneously: identical SHA-256, bounded memory") {
    TempDir root;
    for (auto d : {"a-src", "b-src", "a-down", "b-down"}) fs::create_directories(root.path / d);
    write_prng_file(root.path / "a-src" / "from-a.bin", kSize, 11);
    write_prng_file(root.path / "b-src" / "from-b.bin", kSize, 12);

    RssWatch rss;
    std::atomic<int> ticks{0};
    auto on_progress = [&](files::TransferId, files::Direction, std::uint64_t, std::uint64_t) {
        if (++ticks % 256 == 0) rss.sample();  // every ~16 MiB of chunks
    };
    files::Options ao = options_for(root.path / "a-down"), bo = options_for(root.path / "b-down");
    ao.on_progress = bo.on_progress = on_progress;
    auto streams = session::make_stream_pair();
    Side a(*streams.first, ao), b(*streams.second, bo);

    std::thread send_b([&] { b.endpoint().send_file((root.path / "b-src" / "from-b.bin").u8string()); });
    a.endpoint().send_file((root.path / "a-src" / "from-a.bin").u8string());
    send_b.join();
    auto a_out = a.wait_outcomes(2), b_out = b.wait_outcomes(2);
    rss.sample();

    for (auto& o : a_out) CHECK(o.ok);
    for (auto& o : b_out) CHECK(o.ok);
    CHECK(files::sha256_file_hex((root.path / "b-down" / "from-a.bin").u8string()) ==
          files::sha256_file_hex((root.path / "a-src" / "from-a.bin").u8string()));
    CHECK(files::sha256_file_hex((root.path / "a-down" / "from-b.bin").u8string()) ==
          files::sha256_file_hex((root.path / "b-src" / "from-b.bin").u8string()));
    CHECK(a.endpoint().stats().data_sent == kSize);
    CHECK(a.endpoint().stats().data_received == kSize);
    INFO("peak RSS growth " << rss.worst / (1 << 20) << " MiB");
    CHECK(rss.worst < kRssBudget);
    CHECK(ticks > 2 * 16384 - 10);  // progress came per chunk on both sides
}
