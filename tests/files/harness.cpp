#include "harness.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "tether-files-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
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
    for (auto& e : fs::recursive_directory_iterator(root)) out.push_back(e.path().lexically_relative(root).string());  // no symlink resolution
    std::sort(out.begin(), out.end());
    return out;
}

std::uint64_t peak_rss_bytes() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // kB in the file
    FAIL("no VmHWM in /proc/self/status");
    return 0;
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
    o.download_dir = dir.string();
    return o;
}

bool contains(const std::string& text, const std::string& word) { return text.find(word) != std::string::npos; }
