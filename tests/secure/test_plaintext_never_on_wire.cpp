// Required test 1 (unit level): a known plaintext sent through a session
// never appears, whole or as any 16-byte window, in the bytes crossing the
// inner stream, which is all a relay or proxy ever gets to see or buffer.
#include <catch2/catch.hpp>

#include <string_view>
#include <thread>
#include <unordered_set>

#include "secure_harness.h"

using namespace secure;
using namespace secure_test;

namespace {

constexpr std::size_t kWindow = 16;  // bytes; shorter windows match random ciphertext by chance

// True if some kWindow-byte window of `secret` occurs anywhere in `wire`.
bool any_window_leaks(const std::string& secret, const std::string& wire) {
    std::unordered_set<std::string_view> windows;
    for (std::size_t i = 0; i + kWindow <= wire.size(); ++i)
        windows.insert(std::string_view(wire).substr(i, kWindow));
    for (std::size_t i = 0; i + kWindow <= secret.size(); ++i)
        if (windows.count(std::string_view(secret).substr(i, kWindow))) return true;
    return false;
}

}  // namespace

TEST_CASE("window check catches a plaintext that does cross the wire") {
    // Guards the detector itself: the same tap over a plain, unencrypted pair.
    TappedWire wire;
    const std::string secret = pattern(5000, 9);
    wire.desk_end->write(secret.data(), secret.size());
    wire.desk_end->shutdown_write();
    CHECK(read_all(*wire.client_end) == secret);
    CHECK(any_window_leaks(secret, wire.to_client->seen()));
}

TEST_CASE("known plaintext never crosses the inner stream, in either direction") {
    TappedWire wire(8192);
    auto [desk, client] = connect(std::move(wire.desk_end), std::move(wire.client_end));
    const std::string to_client = pattern(400000, 10), to_desk = pattern(150000, 11);
    std::string got_by_client, got_by_desk;
    std::thread reader([&, &client = client] { got_by_client = read_all(*client); });
    std::thread writer([&, &client = client] {
        // Small writes too: one short record per message, like keystrokes.
        for (std::size_t i = 0; i < to_desk.size(); i += 97)
            client->write(to_desk.data() + i, std::min<std::size_t>(97, to_desk.size() - i));
        client->shutdown_write();
    });
    desk->write(to_client.data(), to_client.size());
    desk->shutdown_write();
    got_by_desk = read_all(*desk);
    writer.join();
    reader.join();

    REQUIRE(got_by_client == to_client);  // it did travel, through the tap
    REQUIRE(got_by_desk == to_desk);
    const std::string down = wire.to_client->seen(), up = wire.to_desk->seen();
    CHECK(down.size() > to_client.size());  // ciphertext plus record overhead
    CHECK(up.size() > to_desk.size());
    CHECK(down.find(to_client) == std::string::npos);
    CHECK_FALSE(any_window_leaks(to_client, down));
    CHECK_FALSE(any_window_leaks(to_client, up));
    CHECK_FALSE(any_window_leaks(to_desk, up));
    CHECK_FALSE(any_window_leaks(to_desk, down));
}
