// A connection killed halfway: the next connection resumes from what the
// receiver had verified, re-sending less than half, and the file is identical.
#include <catch2/catch.hpp>

#include "files/sha256.h"
#include "harness.h"

namespace {
constexpr std::uint64_t kSize = std::uint64_t{256} << 20;   // bytes
constexpr std::uint64_t kWindow = std::uint64_t{2} << 20;   // the sender's window (files/src/impl.h)
constexpr std::uint64_t kChunk = 64 * 1024;

bool has_partial(const fs::path& dir) {
    for (auto& name : list_tree(dir))
        if (name.rfind(".tether-partial-", 0) == 0) return true;
    return false;
}
}  // namespace

TEST_CASE("killed at 50%, the transfer resumes on a new connection from the verified offset") {
    TempDir root;
    fs::path src = root.path / "src", down = root.path / "down";
    fs::create_directories(src);
    fs::create_directories(down);
    write_prng_file(src / "image.iso", kSize, 21);

    // First connection: the receiver kills the pair as soon as half is written.
    std::uint64_t first_sent = 0;
    {
        auto streams = session::make_stream_pair();
        files::Options ro = options_for(down);
        ro.on_progress = [&](files::TransferId, files::Direction, std::uint64_t b, std::uint64_t total) {
            if (b >= total / 2) streams.second->close();
        };
        Side sender(*streams.first, options_for(src)), receiver(*streams.second, ro);
        sender.endpoint().send_file((src / "image.iso").u8string());
        auto out = sender.wait_outcomes(1).at(0), in = receiver.wait_outcomes(1).at(0);
        CHECK_FALSE(out.ok);
        CHECK_FALSE(in.ok);
        CHECK(in.resumable);
        CHECK(contains(in.text, "resumes"));
        first_sent = sender.endpoint().stats().data_sent;
    }
    REQUIRE(has_partial(down));
    CHECK_FALSE(fs::exists(down / "image.iso"));

    // Second connection: same file offered again.
    auto streams = session::make_stream_pair();
    std::atomic<std::uint64_t> resume_from{0};
    files::Options ro = options_for(down);
    ro.on_offer = [&](const files::OfferInfo& o) {
        resume_from = o.resume_from;  // announced before the accept
        return files::Decision::accept;
    };
    Side sender(*streams.first, options_for(src)), receiver(*streams.second, ro);
    sender.endpoint().send_file((src / "image.iso").u8string());
    auto out = sender.wait_outcomes(1).at(0);
    CHECK(out.ok);
    CHECK(out.text == "image.iso");
    std::uint64_t resent = sender.endpoint().stats().data_sent;
    INFO("first connection sent " << first_sent << ", resume offset " << resume_from << ", re-sent " << resent);
    CHECK(resume_from >= kSize / 2);
    CHECK(resent == kSize - resume_from);
    CHECK(resent < kSize / 2 + kWindow + kChunk);
    CHECK(files::sha256_file_hex((down / "image.iso").u8string()) == files::sha256_file_hex((src / "image.iso").u8string()));
    CHECK(list_tree(down) == std::vector<std::string>{"image.iso"});
}
