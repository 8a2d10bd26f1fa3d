// Required test 2: a man in the middle that terminates each side's Noise
// session with its own keys and forwards the plaintext makes the two authentication
// strings differ, which is what the two people compare on the phone.
#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "secure_harness.h"
#include "secure_sas.h"
#include "secure_noise.h"

using namespace secure;
using namespace secure_test;


TEST_CASE("a plaintext-forwarding man in the middle yields different strings") {
    auto [desk_inner, mitm_desk_side] = session::make_stream_pair();
    auto [mitm_client_side, client_inner] = session::make_stream_pair();
    std::promise<Secure> desk_p, client_p;
    auto desk_f = desk_p.get_future(), client_f = client_p.get_future();
    std::thread desk_t([&, d = std::move(desk_inner)]() mutable {
        desk_p.set_value(secure_handshake(std::move(d), SecureRole::desk));
    });
    std::thread client_t([&, c = std::move(client_inner)]() mutable {
        client_p.set_value(secure_handshake(std::move(c), SecureRole::client));
    });
    // The attacker completes both Noise sessions and then relays the SAS
    // exchange and everything after it verbatim, in plaintext.
    std::unique_ptr<NoiseStream> as_desk, as_client;
    std::thread mt([&] { as_desk = noise_handshake(std::move(mitm_client_side), SecureRole::desk); });
    as_client = noise_handshake(std::move(mitm_desk_side), SecureRole::client);
    mt.join();
    std::thread relay([&] { session::pump(*as_desk, *as_client); });

    Secure desk = desk_f.get(), client = client_f.get();
    desk_t.join();
    client_t.join();
    // The attack "works" at the byte level: data flows and the attacker could
    // read it. Only the comparison of the strings exposes it.
    desk->write("secret", 6);
    char buf[6];
    REQUIRE(session::read_exact(*client, buf, 6));
    CHECK(std::string(buf, 6) == "secret");
    CHECK(desk->auth_string() != client->auth_string());  // equal by chance: 1 in 10^6

    desk->close();
    client->close();
    as_desk->close();
    as_client->close();
    relay.join();
}

TEST_CASE("a man in the middle running its own SAS exchange on each side also differs") {
    auto [desk_inner, mitm_desk_side] = session::make_stream_pair();
    auto [mitm_client_side, client_inner] = session::make_stream_pair();
    auto desk_f = std::async(std::launch::async, [d = std::move(desk_inner)]() mutable {
        return secure_handshake(std::move(d), SecureRole::desk);
    });
    auto client_f = std::async(std::launch::async, [c = std::move(client_inner)]() mutable {
        return secure_handshake(std::move(c), SecureRole::client);
    });
    auto as_desk_f = std::async(std::launch::async, [m = std::move(mitm_client_side)]() mutable {
        return secure_handshake(std::move(m), SecureRole::desk);
    });
    Secure as_client = secure_handshake(std::move(mitm_desk_side), SecureRole::client);
    Secure as_desk = as_desk_f.get();
    Secure desk = desk_f.get(), client = client_f.get();
    CHECK(desk->auth_string() == as_client->auth_string());  // each hop agrees with itself...
    CHECK(client->auth_string() == as_desk->auth_string());
    CHECK(desk->auth_string() != client->auth_string());  // ...but the ends do not
}

TEST_CASE("a reveal that does not match the commitment fails the desk's handshake") {
    // A man in the middle that tries to choose the client's nonce after
    // seeing the desk's must break its commitment; the desk notices.
    auto [d, c] = session::make_stream_pair();
    auto desk_f = std::async(std::launch::async, [d = std::move(d)]() mutable {
        return secure_handshake(std::move(d), SecureRole::desk);
    });
    auto liar = noise_handshake(std::move(c), SecureRole::client);
    SasNonce committed{}, revealed{};
    revealed[0] = 1;
    unsigned char msg[kSasMessageBytes];
    msg[0] = static_cast<unsigned char>(SasMessage::commit);
    auto commitment = sas_commitment(committed);
    std::copy(commitment.begin(), commitment.end(), msg + 1);
    liar->write(msg, sizeof msg);
    REQUIRE(session::read_exact(*liar, msg, sizeof msg));
    CHECK(msg[0] == static_cast<unsigned char>(SasMessage::nonce));
    msg[0] = static_cast<unsigned char>(SasMessage::reveal);
    std::copy(revealed.begin(), revealed.end(), msg + 1);
    liar->write(msg, sizeof msg);
    CHECK_THROWS_WITH(desk_f.get(), Catch::Contains("does not match its commitment"));
}

TEST_CASE("the strings depend on every input of the SAS") {
    e2e::Hash binding;
    binding.fill(7);
    SasNonce a{}, b{};
    b[31] = 1;
    const std::string base = sas_digits(binding, a, a);
    CHECK(base == sas_digits(binding, a, a));
    CHECK(base.size() == 7);
    CHECK(base != sas_digits(binding, b, a));
    CHECK(base != sas_digits(binding, a, b));
    binding[0] ^= 1;
    CHECK(base != sas_digits(binding, a, a));
}
