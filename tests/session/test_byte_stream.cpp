// ByteStream helpers that every platform has: the in-memory pair, close().
#include <catch2/catch.hpp>

#include <thread>

#include "session/byte_stream.h"

using namespace session;

TEST_CASE("a stream pair carries bytes both ways and ends cleanly") {
    auto [a, b] = session::make_stream_pair(16);  // tiny buffer: writers must block and resume
    std::string sent(100000, '\0');
    for (std::size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>(i * 7);
    std::thread writer([&] { a->write(sent.data(), sent.size()); a->shutdown_write(); });
    std::string got;
    char buf[777];
    while (std::size_t n = b->read(buf, sizeof buf)) got.append(buf, n);
    writer.join();
    CHECK(got == sent);
}

TEST_CASE("close wakes a blocked reader") {
    auto [a, b] = session::make_stream_pair();
    std::thread t([&] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); b->close(); });
    char c;
    CHECK(b->read(&c, 1) == 0);
    t.join();
    CHECK_THROWS_AS(b->write("x", 1), session::StreamError);
}
