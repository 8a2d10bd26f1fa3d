#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <thread>

#include "tunnel/byte_stream.h"

using namespace tunnel;

TEST_CASE("a stream pair carries bytes both ways and ends cleanly") {
    auto [a, b] = make_stream_pair(16);  // tiny buffer: writers must block and resume
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
    auto [a, b] = make_stream_pair();
    std::thread t([&] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); b->close(); });
    char c;
    CHECK(b->read(&c, 1) == 0);
    t.join();
    CHECK_THROWS_AS(b->write("x", 1), StreamError);
}

TEST_CASE("pump joins a stream pair to a socketpair") {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    auto sock = make_fd_stream(fds[0]);
    auto far = make_fd_stream(fds[1]);
    auto [a, b] = make_stream_pair();
    std::thread p([&] { CHECK(pump(*b, *sock) == ""); });
    a->write("ping", 4);
    char buf[4];
    REQUIRE(read_exact(*far, buf, 4));
    CHECK(std::string(buf, 4) == "ping");
    far->write("pong", 4);
    REQUIRE(read_exact(*a, buf, 4));
    CHECK(std::string(buf, 4) == "pong");
    a->shutdown_write();
    far->shutdown_write();
    CHECK(far->read(buf, 4) == 0);
    CHECK(a->read(buf, 4) == 0);
    p.join();
}
