// A transfer starts moving bytes at once, whatever the file's size: the
// sender no longer hashes the whole file before the offer (issue 16; 0.5-0.7
// s per GiB here, more under load), it hashes beside the data and sends
// VERIFY. Asserted on what the receiver reports, as its window would show it.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>

#include "files/sha256.h"
#include "harness.h"

namespace {
using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
// Issue 16's bound: the first byte within 1 s of the offer (the target is
// 100 ms; 1 s leaves room for a loaded machine, and hashing 1 GiB first
// already took 0.65 s on a quiet one).
constexpr auto kFirstByteBound = std::chrono::seconds(1);
}  // namespace

TEST_CASE("the first byte of a 1 GiB file reaches the receiver within 1 s of the offer") {
    SrcDown fx;
    fs::path big = fx.src / "disk.img";
    { std::ofstream create(big, std::ios::binary); }
    fs::resize_file(big, kGiB);  // sparse where the file system can: quick to make

    auto streams = session::make_stream_pair();
    std::mutex mu;
    std::condition_variable cv;
    bool first = false;
    files::Options ro = options_for(fx.down);
    ro.on_progress = [&](files::TransferId, files::Direction, std::uint64_t bytes, std::uint64_t) {
        if (bytes == 0) return;
        std::lock_guard<std::mutex> lk(mu);
        first = true;
        cv.notify_all();
    };
    Side sender(*streams.first, options_for(fx.src)), receiver(*streams.second, ro);

    Clock::time_point offered = Clock::now();
    files::TransferId id = sender.endpoint().send_file(big.u8string());
    std::unique_lock<std::mutex> lk(mu);
    bool arrived = cv.wait_for(lk, std::chrono::seconds(30), [&] { return first; });
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - offered);
    lk.unlock();
    INFO("offer to the receiver's first byte: " << took.count() << " ms");
    REQUIRE(arrived);
    CHECK(took < kFirstByteBound);

    sender.endpoint().cancel(id);  // the rest would only cost time
    CHECK_FALSE(sender.wait_outcomes(1).at(0).ok);
    CHECK_FALSE(receiver.wait_outcomes(1).at(0).ok);
}

TEST_CASE("hashing beside the data: files of 0, 1, and 3 MiB + 1 bytes arrive verified") {
    SrcDown fx;
    auto streams = session::make_stream_pair();
    Side sender(*streams.first, options_for(fx.src)), receiver(*streams.second, options_for(fx.down));
    const std::uint64_t sizes[] = {0, 1, (std::uint64_t{3} << 20) + 1};
    for (std::uint64_t size : sizes) write_prng_file(fx.src / ("f" + std::to_string(size)), size, size + 3);
    for (std::uint64_t size : sizes) sender.endpoint().send_file((fx.src / ("f" + std::to_string(size))).u8string());
    auto outs = sender.wait_outcomes(3);
    for (auto& o : outs) CHECK(o.ok);
    for (std::uint64_t size : sizes) {
        std::string name = "f" + std::to_string(size);
        CHECK(files::sha256_file_hex((fx.down / name).u8string()) == files::sha256_file_hex((fx.src / name).u8string()));
    }
}
