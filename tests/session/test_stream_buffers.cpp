// SendBuffer and ChunkQueue (session/stream_buffers.h): byte-exact contents
// across block boundaries, trimming and reuse, against a plain string model.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "session/stream_buffers.h"

using session::ChunkQueue;
using session::SendBuffer;

namespace {

std::string pattern(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
}

// Everything in [from, to) read back through span(), as the send loop does.
std::string read_back(const SendBuffer& b, std::uint64_t from, std::uint64_t to) {
    std::string out;
    while (from < to) {
        auto [p, n] = b.span(from);
        REQUIRE(n > 0);
        n = std::min<std::uint64_t>(n, to - from);
        out.append(p, n);
        from += n;
    }
    return out;
}

}  // namespace

TEST_CASE("SendBuffer keeps exact bytes across blocks while the front is trimmed") {
    SendBuffer b;
    std::string model;  // every byte ever appended; offset = index
    std::uint64_t base = 0;
    std::mt19937 rng(7);
    for (int step = 0; step < 400; ++step) {
        std::size_t n = rng() % (3 * SendBuffer::kBlock / 2);  // up to 1.5 blocks at once
        std::string add = pattern(n, static_cast<unsigned>(step));
        b.append(add.data(), add.size());
        model += add;
        REQUIRE(b.end() == model.size());
        std::uint64_t trim = base + rng() % (model.size() - base + 1);
        b.trim_to(trim);
        base = std::max(base, trim);
        if (step % 37 == 0) b.trim_to(base / 2);  // stale acks are ignored
        REQUIRE(read_back(b, base, b.end()) == model.substr(base));
    }
}

TEST_CASE("SendBuffer span ends at a block boundary and at the end") {
    SendBuffer b;
    std::string a = pattern(SendBuffer::kBlock + 10, 1);
    b.append(a.data(), a.size());
    CHECK(b.span(0).second == SendBuffer::kBlock);
    CHECK(b.span(SendBuffer::kBlock - 3).second == 3);
    CHECK(b.span(SendBuffer::kBlock).second == 10);
    b.trim_to(b.end());  // all acknowledged, then more
    b.append("xyz", 3);
    CHECK(std::string(b.span(a.size()).first, 3) == "xyz");
}

TEST_CASE("ChunkQueue returns the pushed ranges in order, in any read sizes") {
    ChunkQueue q;
    std::string model;
    std::mt19937 rng(3);
    for (int i = 0; i < 200; ++i) {
        std::string s = pattern(64 + rng() % 70000, static_cast<unsigned>(i));
        std::size_t from = 8 + rng() % 16, to = from + rng() % (s.size() - from + 1);
        model += s.substr(from, to - from);
        q.push(std::move(s), from, to);
    }
    REQUIRE(q.size() == model.size());
    std::string got;
    while (!q.empty()) {
        std::string buf(1 + rng() % 100000, '\0');
        std::size_t n = q.read(&buf[0], buf.size());
        REQUIRE(n > 0);
        got.append(buf.data(), n);
        REQUIRE(q.size() == model.size() - got.size());
    }
    CHECK(got == model);
    char c;
    CHECK(q.read(&c, 1) == 0);
}
