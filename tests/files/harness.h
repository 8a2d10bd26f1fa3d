// Shared fixtures for the files.* tests: temp folders, PRNG files, and two
// FileEndpoints joined by a stream pair, each with its reader thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "files/file_endpoint.h"
#include "session/byte_stream.h"

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, deleted with everything in it.
struct TempDir {
    TempDir();
    ~TempDir();
    fs::path path;
};

// A sender's folder and a receiver's download folder in one TempDir.
struct SrcDown {
    TempDir root;
    fs::path src = root.path / "src";
    fs::path down = root.path / "down";
    SrcDown() {
        fs::create_directories(src);
        fs::create_directories(down);
    }
};

// Writes `size` bytes of xorshift output (seeded) 1 MiB at a time: real
// blocks on disk, nothing sparse, memory bounded.
void write_prng_file(const fs::path& path, std::uint64_t size, std::uint64_t seed);

// Every path below `root`, relative to it, sorted.
std::vector<std::string> list_tree(const fs::path& root);

// One side: an endpoint on `stream`, its run() on a thread, outcomes recorded.
class Side {
public:
    // `options.on_done` is wrapped: outcomes land in outcomes() too.
    Side(session::ByteStream& stream, files::Options options);
    ~Side();  // closes the stream and joins the reader
    files::FileEndpoint& endpoint() { return *endpoint_; }
    // Blocks until `n` outcomes arrived (a 10-minute guard against hangs
    // fails the test instead of blocking ctest forever).
    std::vector<files::Outcome> wait_outcomes(std::size_t n);
    std::string wait_run();  // joins the reader; run()'s return value

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<files::Outcome> outcomes_;
    std::unique_ptr<files::FileEndpoint> endpoint_;
    std::thread reader_;
    std::string run_result_;
    bool joined_ = false;
};

// Options for a receiver saving into `dir` with everything else default.
files::Options options_for(const fs::path& dir);

// Outcome text is a sentence; tests look for key words in it.
bool contains(const std::string& text, const std::string& word);
