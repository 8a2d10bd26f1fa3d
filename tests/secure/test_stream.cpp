// SecureStream as a ByteStream: data both ways, clean ends, half-close,
// concurrency, close(), the SAS, handshake failures.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <thread>

#include "secure_harness.h"
#include "secure_noise.h"

using namespace secure;
using secure_test::connect;
using secure_test::pattern;
using secure_test::read_all;

TEST_CASE("desk and client agree on a six-digit authentication string") {
    auto [d, c] = session::make_stream_pair();
    auto [desk, client] = connect(std::move(d), std::move(c));
    CHECK(std::regex_match(desk->auth_string(), std::regex("[0-9]{3} [0-9]{3}")));
    CHECK(desk->auth_string() == client->auth_string());
}

TEST_CASE("every session gets a fresh authentication string") {
    std::set<std::string> seen;
    for (int i = 0; i < 3; ++i) {
        auto [d, c] = session::make_stream_pair();
        seen.insert(connect(std::move(d), std::move(c)).first->auth_string());
    }
    CHECK(seen.size() > 1);  // all three equal: chance 10^-12
}

TEST_CASE("bytes cross both ways and each end is clean") {
    auto [d, c] = session::make_stream_pair(1024);  // small: writers block and resume mid-record
    auto [desk, client] = connect(std::move(d), std::move(c));
    const std::string to_client = pattern(300000, 1), to_desk = pattern(200000, 2);
    std::thread t1([&, &desk = desk] { desk->write(to_client.data(), to_client.size()); desk->shutdown_write(); });
    std::thread t2([&, &client = client] { client->write(to_desk.data(), to_desk.size()); client->shutdown_write(); });
    CHECK(read_all(*client) == to_client);
    CHECK(read_all(*desk) == to_desk);
    t1.join();
    t2.join();
}

TEST_CASE("half-close: the peer keeps writing after our shutdown_write") {
    auto [d, c] = session::make_stream_pair();
    auto [desk, client] = connect(std::move(d), std::move(c));
    desk->write("bye", 3);
    desk->shutdown_write();
    desk->shutdown_write();  // idempotent
    CHECK(read_all(*client) == "bye");
    const std::string late = pattern(100000, 3);
    client->write(late.data(), late.size());
    client->shutdown_write();
    CHECK(read_all(*desk) == late);
    CHECK_THROWS_AS(desk->write("x", 1), session::StreamError);
}

TEST_CASE("full duplex bulk transfer through a tiny buffer does not deadlock") {
    auto [d, c] = session::make_stream_pair(4096);
    auto [desk, client] = connect(std::move(d), std::move(c));
    const std::string a = pattern(3 << 20, 4), b = pattern(3 << 20, 5);
    std::string got_a, got_b;
    std::thread r1([&, &client = client] { got_a = read_all(*client); });
    std::thread r2([&, &desk = desk] { got_b = read_all(*desk); });
    std::thread w([&, &client = client] { client->write(b.data(), b.size()); client->shutdown_write(); });
    desk->write(a.data(), a.size());
    desk->shutdown_write();
    w.join();
    r1.join();
    r2.join();
    CHECK(got_a == a);
    CHECK(got_b == b);
}

TEST_CASE("close wakes a blocked reader, which sees a clean end; writes then fail") {
    auto [d, c] = session::make_stream_pair();
    auto [desk, client] = connect(std::move(d), std::move(c));
    std::thread t([&, &client = client] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        client->close();
    });
    char buf[16];
    CHECK(client->read(buf, sizeof buf) == 0);
    t.join();
    CHECK_THROWS_AS(client->write("x", 1), session::StreamError);
    std::string error;
    read_all(*desk, &error);  // the desk sees an abort, not a clean end
    CHECK_THAT(error, Catch::Contains("cut off"));
}

TEST_CASE("rekeying every few records keeps both directions intact") {
    // Production rekeys every kRekeyInterval records; 3 here makes both ends
    // rekey many times, on records of every size, in both directions at once.
    constexpr std::uint64_t kEvery = 3;
    auto [d, c] = session::make_stream_pair(4096);
    std::unique_ptr<NoiseStream> desk, client;
    std::thread t([&, c = std::move(c)]() mutable { client = noise_handshake(std::move(c), SecureRole::client, kEvery); });
    desk = noise_handshake(std::move(d), SecureRole::desk, kEvery);
    t.join();
    const std::string one = pattern(200000, 6), two = pattern(150000, 7);
    std::string got_one, got_two;
    std::thread r1([&] { got_one = read_all(*client); });
    std::thread r2([&] { got_two = read_all(*desk); });
    std::thread w([&] {
        for (std::size_t i = 0; i < two.size(); i += 777)  // many small records
            client->write(two.data() + i, std::min<std::size_t>(777, two.size() - i));
        client->shutdown_write();
    });
    desk->write(one.data(), one.size());
    desk->shutdown_write();
    w.join();
    r1.join();
    r2.join();
    CHECK(got_one == one);
    CHECK(got_two == two);
}

TEST_CASE("ends that rekey after different record counts fail: the rekeying does happen") {
    auto [d, c] = session::make_stream_pair();
    std::unique_ptr<NoiseStream> desk, client;
    std::thread t([&, c = std::move(c)]() mutable { client = noise_handshake(std::move(c), SecureRole::client, 4); });
    desk = noise_handshake(std::move(d), SecureRole::desk, 3);
    t.join();
    for (int i = 0; i < 3; ++i) desk->write("abc", 3);  // records 1-3: same key on both ends
    char buf[9];
    REQUIRE(session::read_exact(*client, buf, 9));
    desk->write("d", 1);  // record 4: the desk has rekeyed after 3, the client has not
    CHECK_THROWS_WITH(client->read(buf, 1), Catch::Contains("altered or corrupted in transit"));
}

TEST_CASE("a peer that is not a Tether endpoint fails the handshake with a clear error") {
    auto [d, c] = session::make_stream_pair();
    std::thread t([&, d = std::move(d)] {
        d->write("HTTP/1.1 200 OK\r\n\r\nhello", 24);
        d->shutdown_write();
        char buf[4096];
        while (d->read(buf, sizeof buf) > 0) {}
    });
    try {
        secure_handshake(std::move(c), SecureRole::client);
        FAIL("handshake succeeded");
    } catch (const session::StreamError& e) {
        CHECK_THAT(e.what(), Catch::Contains("handshake failed") && Catch::Contains("not a compatible"));
    }
    t.join();
}

TEST_CASE("a peer that leaves during the handshake is reported as such") {
    auto [d, c] = session::make_stream_pair();
    d->shutdown_write();
    CHECK_THROWS_WITH(secure_handshake(std::move(c), SecureRole::desk),
                      Catch::Contains("ended during the end-to-end encryption handshake"));
}

TEST_CASE("two clients (a pairing bug) fail instead of talking in the clear") {
    auto [a, b] = session::make_stream_pair();
    auto other = std::async(std::launch::async, [b = std::move(b)]() mutable {
        try { secure_handshake(std::move(b), SecureRole::client); } catch (const session::StreamError&) {}
    });
    CHECK_THROWS_AS(secure_handshake(std::move(a), SecureRole::client), session::StreamError);
}

TEST_CASE("close() while our writer is blocked: the write throws, our reader still ends cleanly") {
    auto [d, c] = session::make_stream_pair(4096);
    auto [desk, client] = connect(std::move(d), std::move(c));
    const std::string big = pattern(1 << 20, 15);  // the client never reads: the write blocks
    std::thread closer([&, &desk = desk] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        desk->close();
    });
    CHECK_THROWS_AS(desk->write(big.data(), big.size()), session::StreamError);
    closer.join();
    char buf[16];
    CHECK(desk->read(buf, sizeof buf) == 0);
}

TEST_CASE("a peer that is connected but never answers the handshake: a clear timeout, no hang") {
    for (auto role : {SecureRole::desk, SecureRole::client}) {
        auto [ours, silent] = session::make_stream_pair();  // `silent` stays open and never writes
        auto t0 = std::chrono::steady_clock::now();
        try {
            secure_handshake(std::move(ours), role, std::chrono::milliseconds(300));
            FAIL("the handshake succeeded without a peer");
        } catch (const session::StreamError& e) {
            CHECK_THAT(e.what(), Catch::Contains("program connected but did not finish setting up end-to-end "
                                                 "encryption within 300 ms"));
            CHECK_THAT(e.what(), Catch::Contains(role == SecureRole::desk ? "the customer's" : "the supporter's"));
        }
        // Ended by the watchdog, not by anything else (generous bound: no timing assert on speed).
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20));
        (void)silent;
    }
}

TEST_CASE("a handshake that finishes in time is not disturbed by its watchdog") {
    auto [d, c] = session::make_stream_pair();
    std::unique_ptr<SecureStream> desk;
    std::thread t([&, d = std::move(d)]() mutable {
        desk = secure_handshake(std::move(d), SecureRole::desk, std::chrono::seconds(20));
    });
    auto client = secure_handshake(std::move(c), SecureRole::client, std::chrono::seconds(20));
    t.join();
    REQUIRE(desk);
    client->write("ping", 4);
    client->shutdown_write();
    CHECK(read_all(*desk) == "ping");
}
