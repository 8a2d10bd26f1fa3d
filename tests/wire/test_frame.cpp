#include <catch2/catch.hpp>

#include <initializer_list>

#include "wire/frame.h"

using namespace wire;

TEST_CASE("frames survive any slicing of the byte stream") {
    std::string bytes;
    append_data(bytes, 42, "hello", 5);
    append_u64_frame(bytes, FrameType::ack, 7);
    append_hello(bytes, 99);
    append_end(bytes, EndReason::by_peer, "bye");
    for (std::size_t slice = 1; slice <= bytes.size(); ++slice) {
        FrameParser p;
        std::vector<Frame> got;
        for (std::size_t i = 0; i < bytes.size(); i += slice) {
            p.feed(bytes.data() + i, std::min(slice, bytes.size() - i));
            Frame f;
            while (p.next(f)) got.push_back(f);
        }
        REQUIRE(got.size() == 4);
        CHECK(payload_u64(got[0]) == 42);
        CHECK(std::string(data_bytes(got[0]), data_size(got[0])) == "hello");
        CHECK(payload_u64(got[1]) == 7);
        CHECK(payload_hello(got[2]).version == kProtocolVersion);
        CHECK(payload_hello(got[2]).epoch == 99);
        CHECK(payload_end(got[3]).text == "bye");
        CHECK(p.buffered() == 0);
    }
}

TEST_CASE("malformed frames are rejected, not misread") {
    struct Row { const char* name; std::string bytes; };
    const Row rows[] = {
        {"unknown type 0x00", std::string("\x00\x00\x00\x00\x00", 5)},
        {"unknown type 0x7f", std::string("\x7f\x00\x00\x00\x01x", 6)},
        {"length over the limit", std::string("\x01\x00\x10\x00\x01", 5)},
        {"length 0xffffffff", std::string("\x01\xff\xff\xff\xff", 5)},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        FrameParser p;
        p.feed(row.bytes.data(), row.bytes.size());
        Frame f;
        CHECK_THROWS_AS(p.next(f), ProtocolError);
    }
}

TEST_CASE("truncated payloads throw when read") {
    Frame f{FrameType::ack, "abc"};
    CHECK_THROWS_AS(payload_u64(f), ProtocolError);
    Frame h{FrameType::hello, "\x00\x01"};
    CHECK_THROWS_AS(payload_hello(h), ProtocolError);
    Frame p{FrameType::peer, std::string("\x09", 1)};
    CHECK_THROWS_AS(payload_peer(p), ProtocolError);
}

TEST_CASE("a partial frame waits for more bytes") {
    std::string bytes;
    append_data(bytes, 1, "abcdef", 6);
    FrameParser p;
    p.feed(bytes.data(), bytes.size() - 1);
    Frame f;
    CHECK_FALSE(p.next(f));
    p.feed(bytes.data() + bytes.size() - 1, 1);
    CHECK(p.next(f));
}

// Big payloads are filled in place as bytes arrive (FrameParser's streaming
// path); small frames around them must come out whole and in order.
TEST_CASE("big and small frames survive slicing, big ones filled in place") {
    auto pattern = [](std::size_t n, unsigned seed) {
        std::string s(n, '\0');
        for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131 + seed * 7) >> 3);
        return s;
    };
    const std::string big1 = pattern(64 * 1024, 1), big2 = pattern(4096, 2), small = pattern(4095, 3);
    std::string bytes;
    append_data(bytes, 0, big1.data(), big1.size());
    append_u64_frame(bytes, FrameType::ack, 5);
    append_data(bytes, 1, big2.data(), big2.size());
    append_data(bytes, 2, small.data(), small.size());
    append_data(bytes, 3, big1.data(), big1.size());
    for (std::size_t slice : std::initializer_list<std::size_t>{1, 7, 4099, 16384, 65536, 65549, bytes.size()}) {
        INFO("slice " << slice);
        FrameParser p;
        std::vector<Frame> got;
        std::size_t fed = 0, returned = 0;
        for (std::size_t i = 0; i < bytes.size(); i += slice) {
            std::size_t n = std::min(slice, bytes.size() - i);
            p.feed(bytes.data() + i, n);
            fed += n;
            Frame f;
            while (p.next(f)) {
                returned += kHeaderSize + f.payload.size();
                got.push_back(f);
            }
            REQUIRE(p.buffered() == fed - returned);  // whether in buf_ or filling in place
        }
        REQUIRE(got.size() == 5);
        CHECK(std::string(data_bytes(got[0]), data_size(got[0])) == big1);
        CHECK(payload_u64(got[1]) == 5);
        CHECK(std::string(data_bytes(got[2]), data_size(got[2])) == big2);
        CHECK(std::string(data_bytes(got[3]), data_size(got[3])) == small);
        CHECK(payload_u64(got[4]) == 3);
        CHECK(std::string(data_bytes(got[4]), data_size(got[4])) == big1);
        CHECK(p.buffered() == 0);
    }
}

TEST_CASE("a big frame cut short stays counted as buffered") {
    std::string big(10000, 'x'), bytes;
    append_data(bytes, 9, big.data(), big.size());
    FrameParser p;
    p.feed(bytes.data(), bytes.size() - 1);
    Frame f;
    CHECK_FALSE(p.next(f));
    CHECK(p.buffered() == bytes.size() - 1);
    p.feed(bytes.data() + bytes.size() - 1, 1);
    REQUIRE(p.next(f));
    CHECK(data_size(f) == big.size());
    CHECK(p.buffered() == 0);
}

TEST_CASE("encoded_size reads a frame's whole length from its header") {
    std::string bytes;
    append_data(bytes, 3, "abcdef", 6);
    append_u64_frame(bytes, FrameType::ack, 1);
    CHECK(encoded_size(bytes.data()) == kHeaderSize + 8 + 6);
    CHECK(encoded_size(bytes.data() + kHeaderSize + 14) == kHeaderSize + 8);
}
