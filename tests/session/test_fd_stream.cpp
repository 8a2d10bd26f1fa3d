// make_fd_stream over a POSIX socketpair, joined to a stream pair by pump().
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <thread>

#include "session/byte_stream.h"
#include "session/fd_stream.h"

TEST_CASE("pump joins a stream pair to a socketpair") {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    auto sock = session::make_fd_stream(fds[0]);
    auto far = session::make_fd_stream(fds[1]);
    auto [a, b] = session::make_stream_pair();
    std::thread p([&] { CHECK(session::pump(*b, *sock) == ""); });
    a->write("ping", 4);
    char buf[4];
    REQUIRE(session::read_exact(*far, buf, 4));
    CHECK(std::string(buf, 4) == "ping");
    far->write("pong", 4);
    REQUIRE(session::read_exact(*a, buf, 4));
    CHECK(std::string(buf, 4) == "pong");
    a->shutdown_write();
    far->shutdown_write();
    CHECK(far->read(buf, 4) == 0);
    CHECK(a->read(buf, 4) == 0);
    p.join();
}
