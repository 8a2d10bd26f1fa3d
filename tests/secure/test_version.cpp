// The first record each way names the end-to-end protocol version. A peer of
// another version gets a sentence that names both versions, on both sides
// (the desk answers with a refusal carrying its own version), instead of a
// vague failure or a hang.
#include <catch2/catch.hpp>

#include <future>
#include <random>
#include <thread>

#include "secure_harness.h"
#include "secure_record.h"

using namespace secure;
using secure_test::read_all;

namespace {

// A handshake record as another version would send it: length, version,
// then 32 bytes standing for a Noise key.
std::string greeting(unsigned char version) {
    std::string r("\x00\x21", 2);
    r += static_cast<char>(version);
    r += std::string(32, '\x5a');
    return r;
}

}  // namespace

TEST_CASE("a client of another version: the desk names both versions and tells the client its own") {
    auto [d, c] = session::make_stream_pair();
    const std::string hello = greeting(7);
    c->write(hello.data(), hello.size());
    try {
        secure_handshake(std::move(d), SecureRole::desk);
        FAIL("the handshake succeeded with a version 7 peer");
    } catch (const session::StreamError& e) {
        CHECK_THAT(e.what(), Catch::Contains("speaks version 7 of the Tether end-to-end protocol") &&
                                 Catch::Contains("this program speaks version 2") &&
                                 Catch::Contains("update both programs"));
    }
    // What the version 7 client reads back: a refusal naming version 2.
    std::string error;
    CHECK(read_all(*c, &error) == std::string("\x00\x01\x02", 3));
}

TEST_CASE("a desk of another version: its refusal names its version on the client's screen") {
    auto [d, c] = session::make_stream_pair();
    std::thread desk([&, d = std::move(d)] {
        char hello[35];
        REQUIRE(session::read_exact(*d, hello, sizeof hello));
        CHECK(hello[2] == static_cast<char>(kE2eVersion));  // the first record names ours
        d->write("\x00\x01\x03", 3);                         // refusal: "I speak version 3"
        d->shutdown_write();
    });
    CHECK_THROWS_WITH(secure_handshake(std::move(c), SecureRole::client),
                      Catch::Contains("speaks version 3") && Catch::Contains("this program speaks version 2"));
    desk.join();
}

TEST_CASE("a peer still on version 1 (TLS 1.3) is named as such") {
    struct Row { const char* what; std::string bytes; SecureRole victim; };
    const Row rows[] = {
        {"a version 1 client's ClientHello", std::string("\x16\x03\x01\x00\xf4\x01\x00\x00\xf0\x03\x03", 11),
         SecureRole::desk},
        {"a version 1 desk's alert", std::string("\x15\x03\x03\x00\x02\x02\x32", 7), SecureRole::client},
    };
    for (const Row& r : rows) {
        INFO(r.what);
        auto [ours, theirs] = session::make_stream_pair();
        theirs->write(r.bytes.data(), r.bytes.size());
        CHECK_THROWS_WITH(secure_handshake(std::move(ours), r.victim),
                          Catch::Contains("speaks version 1 of the Tether end-to-end protocol"));
    }
}

TEST_CASE("malformed first records fail the handshake at once, with a clear reason") {
    struct Row { const char* what; std::string bytes; SecureRole victim; const char* says; };
    const Row rows[] = {
        {"length only, then the end", std::string("\x00\x21", 2), SecureRole::desk, "ended during the end-to-end"},
        {"half a record, then the end", std::string("\x00\x21\x02\x01", 4), SecureRole::desk,
         "ended during the end-to-end"},
        {"empty record", std::string("\x00\x00", 2), SecureRole::desk, "not a Tether end-to-end greeting"},
        {"record longer than any handshake", std::string("\x01\x2c", 2), SecureRole::desk,
         "not a Tether end-to-end greeting"},
        {"plain HTTP", "HTTP/1.1 200 OK\r\n\r\n", SecureRole::client, "not a Tether end-to-end greeting"},
        {"our version but no key", std::string("\x00\x05\x02\x01\x02\x03\x04", 7), SecureRole::desk,
         "too short for a key"},
        {"a refusal from a peer of our own version", std::string("\x00\x01\x02", 3), SecureRole::client,
         "refused the handshake"},
    };
    for (const Row& r : rows) {
        INFO(r.what);
        auto [ours, theirs] = session::make_stream_pair();
        theirs->write(r.bytes.data(), r.bytes.size());
        theirs->shutdown_write();
        CHECK_THROWS_WITH(secure_handshake(std::move(ours), r.victim),
                          Catch::Contains(r.says) && (Catch::Contains("not a compatible Tether endpoint") ||
                                                      Catch::Contains("not a Tether endpoint")));
    }
}

TEST_CASE("random bytes instead of a first record: always a StreamError, never a crash or a hang") {
    std::mt19937 rng(20261205);  // fixed seed: a failure reproduces
    std::uniform_int_distribution<int> byte(0, 255), size(0, 80);
    for (int i = 0; i < 300; ++i) {
        std::string junk(static_cast<std::size_t>(size(rng)), '\0');
        for (auto& c : junk) c = static_cast<char>(byte(rng));
        if (i % 3 == 0 && junk.size() >= 3) {  // also well-framed records of our version with random content
            junk[0] = 0;
            junk[1] = static_cast<char>(junk.size() - 2);
            junk[2] = static_cast<char>(kE2eVersion);
        }
        const SecureRole victim = i % 2 ? SecureRole::desk : SecureRole::client;
        INFO("case " << i << ", " << junk.size() << " bytes");
        auto [ours, theirs] = session::make_stream_pair();
        theirs->write(junk.data(), junk.size());
        theirs->shutdown_write();
        CHECK_THROWS_AS(secure_handshake(std::move(ours), victim), session::StreamError);
    }
}
