// Bounds on what a stranger controls (docs/RELAY.md, "Bounds"), against the
// real relay in-process: oversized heads, bodies past the cap, ambiguous
// Content-Length, a trickled TLS handshake, the per-address connection cap.
// Each refusal also shows in tether_relay_refused_total.
#include <catch2/catch.hpp>

#include "raw_client.h"
#include "relay_harness.h"

using namespace relay_test;

namespace {

std::string refused(const char* reason) { return std::string("tether_relay_refused_total{reason=\"") + reason + "\"}"; }

std::string head_with(const std::string& extra_headers) {
    return "GET /healthz HTTP/1.1\r\nHost: relay\r\n" + extra_headers + "\r\n";
}

std::string headers(int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += "X-H" + std::to_string(i) + ": v\r\n";
    return out;
}

}  // namespace

TEST_CASE("request heads past a bound get 431, those within get through") {
    Harness h;
    struct Row {
        const char* what;
        std::string request;
        int status;
        const char* reason;  // counted refusal, nullptr if none
    };
    const std::vector<Row> rows = {
        {"a 9 KiB header line", head_with("X-Long: " + std::string(9 * 1024, 'a') + "\r\n"), 431, "line_too_long"},
        {"a 9 KiB request line", "GET /healthz?" + std::string(9 * 1024, 'a') + " HTTP/1.1\r\nHost: r\r\n\r\n", 431,
         "line_too_long"},
        {"101 headers (Host is one)", head_with(headers(100)), 431, "too_many_headers"},
        {"100 headers", head_with(headers(99)), 200, nullptr},
        {"a head of 40 KiB in 5 KiB lines", head_with(headers(0) + [] {
             std::string s;
             for (int i = 0; i < 8; ++i) s += "X-" + std::to_string(i) + ": " + std::string(5 * 1024, 'b') + "\r\n";
             return s;
         }()), 431, "head_too_large"},
        {"an 8 KiB line within the bound", head_with("X-Ok: " + std::string(8000, 'c') + "\r\n"), 200, nullptr},
    };
    for (const Row& row : rows) {
        INFO(row.what);
        const long before = row.reason ? h.metric(refused(row.reason)) : 0;
        RawTls c(h.port(), h.ca_file());
        REQUIRE(c.send(row.request));
        CHECK(c.status() == row.status);
        if (row.reason) CHECK(h.metric(refused(row.reason)) == before + 1);
    }
}

TEST_CASE("duplicate, listed or malformed Content-Length gets 400 at once") {
    Harness h;
    const std::vector<std::pair<const char*, std::string>> rows = {
        {"two equal lengths", "Content-Length: 2\r\nContent-Length: 2\r\n"},
        {"two different lengths", "Content-Length: 2\r\nContent-Length: 3\r\n"},
        {"a list", "Content-Length: 2, 2\r\n"},
        {"not a number", "Content-Length: two\r\n"},
        {"length and chunked", "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n"},
    };
    for (auto& [what, fields] : rows) {
        INFO(what);
        RawTls c(h.port(), h.ca_file());
        // No body follows: an answer that waited for one would time out here.
        REQUIRE(c.send("POST /v1/sessions HTTP/1.1\r\nHost: r\r\n" + fields + "\r\n"));
        REQUIRE(c.readable(std::chrono::seconds(3)));
        CHECK(c.status() == 400);
    }
}

TEST_CASE("a body read whole past the cap gets 413 before it is read") {
    Harness h;
    SECTION("announced by Content-Length: refused before a byte of it") {
        RawTls c(h.port(), h.ca_file());
        REQUIRE(c.send("POST /v1/sessions HTTP/1.1\r\nHost: r\r\nContent-Length: 104857600\r\n\r\n"));
        REQUIRE(c.readable(std::chrono::seconds(3)));
        CHECK(c.status() == 413);
    }
    SECTION("chunked: refused at the cap, while the client still sends") {
        RawTls c(h.port(), h.ca_file());
        REQUIRE(c.send("POST /v1/sessions HTTP/1.1\r\nHost: r\r\nTransfer-Encoding: chunked\r\n\r\n"));
        const std::string chunk = "10000\r\n" + std::string(0x10000, '{') + "\r\n";  // 64 KiB
        const std::size_t body = 100u << 20;  // what the client means to send: 100 MiB
        std::size_t sent = 0;
        while (sent < body && !c.readable() && c.send(chunk)) sent += 0x10000;
        CHECK(c.readable(std::chrono::seconds(3)));
        CHECK(c.status() == 413);
        // The relay stopped at its cap (1 MiB + 64 KiB) plus what socket
        // buffers and the short drain after the answer hold.
        CHECK(sent < 16u << 20);
        CHECK(h.metric(refused("body_too_large")) >= 1);
    }
}

TEST_CASE("a trickled TLS handshake is closed at the head deadline") {
    Harness h([](relay::Config& c) { c.head_timeout = std::chrono::seconds(1); });
    const int fd = tcp_connect(h.port());
    REQUIRE(fd >= 0);
    // The first bytes of a ClientHello, one every 200 ms: never completes.
    const unsigned char hello[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03};
    bool closed = false;
    for (std::size_t i = 0; i < sizeof hello && !closed; ++i) {
        ::send(fd, &hello[i], 1, MSG_NOSIGNAL);
        closed = closed_by_peer(fd, std::chrono::milliseconds(200));
    }
    if (!closed) closed = closed_by_peer(fd, std::chrono::seconds(3));
    CHECK(closed);
    ::close(fd);
    CHECK(h.metric(refused("head_timeout")) >= 1);
}

TEST_CASE("the per-address cap refuses the N+1th connection, and takes one again when one closes") {
    constexpr int kCap = 3;
    Harness h([](relay::Config& c) { c.max_conns_per_ip = kCap; });
    std::vector<int> fds;
    for (int i = 0; i < kCap; ++i) fds.push_back(tcp_connect(h.port()));
    for (int fd : fds) CHECK_FALSE(closed_by_peer(fd, std::chrono::milliseconds(300)));
    const int extra = tcp_connect(h.port());
    CHECK(closed_by_peer(extra, std::chrono::seconds(3)));
    ::close(extra);
    ::close(fds.back());
    fds.pop_back();
    // The freed place serves a real request (a slot is given back on close).
    std::unique_ptr<RawTls> c;
    for (int i = 0; i < 50 && !c; ++i) {
        try {
            c = std::make_unique<RawTls>(h.port(), h.ca_file());
        } catch (const std::exception&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    REQUIRE(c);
    REQUIRE(c->send(head_with("")));
    CHECK(c->status() == 200);
    for (int fd : fds) ::close(fd);
    c.reset();
    CHECK(h.metric(refused("per_address")) >= 1);
}

TEST_CASE("the cap on unauthenticated connections refuses strangers, not sessions") {
    Harness h([](relay::Config& c) {
        c.max_unauthenticated = 2;
        c.max_conns_per_ip = 0;
    });
    auto j = h.create();  // its connection closed: nothing held
    Downlink desk(h, j["token"]);  // authenticated: leaves the pool
    REQUIRE(desk.wait_for([](auto& f) { return !f.empty(); }));
    std::vector<int> strangers = {tcp_connect(h.port()), tcp_connect(h.port())};
    for (int fd : strangers) CHECK_FALSE(closed_by_peer(fd, std::chrono::milliseconds(300)));
    const int third = tcp_connect(h.port());
    CHECK(closed_by_peer(third, std::chrono::seconds(3)));
    ::close(third);
    // The desk's session still works meanwhile.
    CHECK(desk.wait_for([](auto& f) {
        int pings = 0;
        for (auto& x : f) pings += x.type == wire::FrameType::ping;
        return pings >= 2;
    }));
    for (int fd : strangers) ::close(fd);
    CHECK(h.metric(refused("unauthenticated")) >= 1);
}

TEST_CASE("absolute-form request targets are served like origin-form ones") {
    Harness h;
    RawTls c(h.port(), h.ca_file());
    const std::string authority = "127.0.0.1:" + std::to_string(h.port());
    REQUIRE(c.send("GET https://" + authority + "/healthz HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
    CHECK(c.status() == 200);
    REQUIRE(c.send("POST HTTPS://" + authority + "/v1/sessions?x=1 HTTP/1.1\r\nHost: " + authority +
                   "\r\nContent-Length: 2\r\n\r\n{}"));
    CHECK(c.status() == 201);
}
