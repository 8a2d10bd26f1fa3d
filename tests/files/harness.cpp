#include "harness.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

// A random name that create_directory() makes and nobody else has: the
// portable mkdtemp (the same source runs on Linux and under wine).
TempDir::TempDir() {
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
        std::ostringstream name;
        name << "tether-files-" << std::hex << rd() << rd();
        fs::path p = fs::temp_directory_path() / name.str();
        if (fs::create_directory(p)) {
            path = p;
            return;
        }
    }
    FAIL("cannot create a temporary folder in " << fs::temp_directory_path());
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
}

void write_prng_file(const fs::path& path, std::uint64_t size, std::uint64_t seed) {
    std::ofstream f(path, std::ios::binary);
    std::vector<std::uint64_t> block(1 << 17);  // 1 MiB
    std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (std::uint64_t done = 0; done < size;) {
        for (auto& w : block) {  // xorshift64: fast, not sparse, reproducible
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w = x;
        }
        std::uint64_t n = std::min<std::uint64_t>(size - done, block.size() * 8);
        f.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
        done += n;
    }
    REQUIRE(f.good());
}

std::vector<std::string> list_tree(const fs::path& root) {
    std::vector<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(root)) out.push_back(e.path().lexically_relative(root).generic_u8string());  // '/' on every platform; no symlink resolution
    std::sort(out.begin(), out.end());
    return out;
}

Side::Side(session::ByteStream& stream, files::Options options) {
    auto user_done = options.on_done;
    options.on_done = [this, user_done](const files::Outcome& o) {
        if (user_done) user_done(o);
        std::lock_guard<std::mutex> lk(mu_);
        outcomes_.push_back(o);
        cv_.notify_all();
    };
    endpoint_ = std::make_unique<files::FileEndpoint>(stream, std::move(options));
    reader_ = std::thread([this] { run_result_ = endpoint_->run(); });
}

Side::~Side() {
    endpoint_->close();
    wait_run();
}

std::vector<files::Outcome> Side::wait_outcomes(std::size_t n) {
    std::unique_lock<std::mutex> lk(mu_);
    bool got = cv_.wait_for(lk, std::chrono::minutes(10), [&] { return outcomes_.size() >= n; });
    REQUIRE(got);
    return outcomes_;
}

std::string Side::wait_run() {
    if (!joined_) {
        reader_.join();
        joined_ = true;
    }
    return run_result_;
}

files::Options options_for(const fs::path& dir) {
    files::Options o;
    o.download_dir = dir.u8string();
    return o;
}

bool contains(const std::string& text, const std::string& word) { return text.find(word) != std::string::npos; }
