// Required test 3: one flipped bit anywhere in transit breaks the session
// with a clear StreamError, and the reader never receives a wrong byte: what
// it got before the error is an exact prefix of what was sent. Also: a
// stream cut without the peer's close record is an error, not a clean end.
#include <catch2/catch.hpp>

#include <random>
#include <thread>

#include "secure_harness.h"

using namespace secure;
using namespace secure_test;

namespace {

constexpr std::size_t kRecordHeader = 2;   // transport record: length (2, big endian)
constexpr std::size_t kRecordTrailer = 17; // encrypted record type (1) + AEAD tag (16)
constexpr std::size_t kFirstWrite = 1000;  // plaintext bytes of the first record

struct Outcome {
    std::string received;
    std::string error;
};

// Desk sends `first` then `rest` (separate records); the tap flips
// `mask` at byte `at` of the desk->client ciphertext after the handshake.
Outcome send_with_flip(std::size_t at, unsigned char mask, const std::string& data) {
    TappedWire wire(16384);
    auto [desk, client] = connect(std::move(wire.desk_end), std::move(wire.client_end));
    wire.to_client->arm_flip(at, mask);  // both directions are quiet after connect()
    std::thread sender([&, &desk = desk] {
        try {
            desk->write(data.data(), kFirstWrite);
            desk->write(data.data() + kFirstWrite, data.size() - kFirstWrite);
            desk->shutdown_write();
        } catch (const session::StreamError&) {
            // expected once the client gives up on the session
        }
    });
    Outcome out;
    out.received = read_all(*client, &out.error);
    client->close();
    sender.join();
    return out;
}

}  // namespace

TEST_CASE("a flipped bit breaks the session and no wrong byte is delivered") {
    const std::string data = pattern(200000, 12);
    const std::size_t first_record = kRecordHeader + kFirstWrite + kRecordTrailer;
    struct Row {
        const char* where;
        std::size_t at;
        bool first_record_delivered;
    };
    const Row rows[] = {
        {"record length, high byte", 0, false},
        {"record length, low byte", 1, false},
        {"first ciphertext byte", kRecordHeader, false},
        {"middle of the ciphertext", kRecordHeader + 500, false},
        {"record type (encrypted)", kRecordHeader + kFirstWrite, false},
        {"authentication tag", first_record - 1, false},
        {"second record's header", first_record + 1, true},
        {"second record's body", first_record + kRecordHeader + 7000, true},
        {"far into the stream", 150000, true},
    };
    for (const Row& row : rows) {
        for (unsigned char mask : {0x01, 0x80}) {
            INFO(row.where << " (ciphertext byte " << row.at << ", mask " << int(mask) << ")");
            Outcome out = send_with_flip(row.at, mask, data);
            CHECK_FALSE(out.error.empty());
            CHECK(out.received.size() < data.size());
            CHECK(out.received == data.substr(0, out.received.size()));  // a correct prefix only
            if (row.first_record_delivered) CHECK(out.received.size() >= kFirstWrite);
            else CHECK(out.received.empty());
            // Some flips garble a record length: then the stream may end
            // before the record completes, which is reported as cut off.
            CHECK_THAT(out.error, Catch::Contains("altered or corrupted in transit") ||
                                      Catch::Contains("cut off"));
        }
    }
}

TEST_CASE("flips at random places: always an error, never a wrong byte") {
    const std::string data = pattern(60000, 16);
    std::mt19937 rng(20261126);  // fixed seed: a failure reproduces
    std::uniform_int_distribution<std::size_t> where(0, data.size() + 4 * kRecordTrailer);
    std::uniform_int_distribution<int> bit(0, 7);
    for (int i = 0; i < 40; ++i) {
        std::size_t at = where(rng);
        auto mask = static_cast<unsigned char>(1u << bit(rng));
        INFO("ciphertext byte " << at << ", mask " << int(mask));
        Outcome out = send_with_flip(at, mask, data);
        CHECK_FALSE(out.error.empty());
        CHECK(out.received == data.substr(0, out.received.size()));
    }
}

TEST_CASE("a flipped bit in the record body names the tampering") {
    const std::string data = pattern(50000, 13);
    Outcome out = send_with_flip(kRecordHeader + 10, 0x04, data);
    CHECK(out.received.empty());
    CHECK_THAT(out.error, Catch::Contains("altered or corrupted in transit") &&
                              Catch::Contains("relay, proxy or network"));
}

TEST_CASE("a flipped bit during the handshake fails the handshake") {
    // Client -> desk before any data: Noise message 1 (bytes 0-34: length,
    // version at 2, ephemeral key 3-34), the SAS commit record (35-86) and
    // the reveal record (87-138).
    for (std::size_t at : {std::size_t{2}, std::size_t{10}, std::size_t{60}, std::size_t{100}}) {
        INFO("client->desk ciphertext byte " << at);
        TappedWire wire;
        wire.to_desk->arm_flip(at, 0x10);
        CHECK_THROWS_AS(connect(std::move(wire.desk_end), std::move(wire.client_end)), session::StreamError);
    }
}

TEST_CASE("a stream cut without the close record is an error, after the intact prefix") {
    TappedWire wire;
    auto [desk, client] = connect(std::move(wire.desk_end), std::move(wire.client_end));
    const std::size_t record = kRecordHeader + 100 + kRecordTrailer;
    wire.to_client->arm_cut(record + 3);  // one whole record, then 3 bytes of the next
    const std::string hundred = pattern(100, 14);
    desk->write(hundred.data(), hundred.size());
    desk->write("more", 4);
    std::string error;
    std::string got = read_all(*client, &error);
    CHECK(got == hundred);
    CHECK_THAT(error, Catch::Contains("cut off") && Catch::Contains("close record"));
}

TEST_CASE("an error is sticky: later reads and writes fail the same way") {
    TappedWire wire;
    auto [desk, client] = connect(std::move(wire.desk_end), std::move(wire.client_end));
    wire.to_client->arm_flip(kRecordHeader + 1, 0x01);
    desk->write("hello", 5);
    char buf[8];
    CHECK_THROWS_WITH(client->read(buf, sizeof buf), Catch::Contains("altered"));
    CHECK_THROWS_WITH(client->read(buf, sizeof buf), Catch::Contains("altered"));
    CHECK_THROWS_WITH(client->write("x", 1), Catch::Contains("altered"));
}
