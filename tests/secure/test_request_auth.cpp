// Per-request authentication for plain HTTP (e2e/request_auth.h): both ends
// derive the same request key, a MAC covers every part of the request, and
// the replay window takes each sequence number once.
#include <catch2/catch.hpp>

#include "e2e/request_auth.h"

using namespace e2e;

namespace {

struct Keys {
    Key relay_secret{}, relay_public{};
    EndpointKeyAgreement endpoint;
    Keys() {
        random_bytes(relay_secret.data(), relay_secret.size());
        relay_public = x25519_public(relay_secret);
    }
};

}  // namespace

TEST_CASE("endpoint and relay derive the same request key; another relay key gives another") {
    Keys k;
    const Key at_endpoint = k.endpoint.request_key(k.relay_public);
    const Key at_relay = relay_request_key(k.relay_secret, k.relay_public, k.endpoint.public_key);
    CHECK(at_endpoint == at_relay);

    Keys other;  // a proxy that swapped in its own relay key
    CHECK(k.endpoint.request_key(other.relay_public) != at_relay);
    // A proxy that swapped the endpoint's public key gets a key the endpoint does not have.
    CHECK(relay_request_key(k.relay_secret, k.relay_public, other.endpoint.public_key) != at_endpoint);
}

TEST_CASE("the request MAC covers method, target, token, sequence and body") {
    Keys k;
    const Key key = k.endpoint.request_key(k.relay_public);
    const std::string good = request_mac(key, "POST", "/v1/poll/up", "tok", 7, "frames");
    CHECK(good.size() == 64);
    CHECK(mac_equal(good, request_mac(key, "POST", "/v1/poll/up", "tok", 7, "frames")));
    struct Row { const char* what; std::string mac; };
    Key other_key = key;
    other_key[0] ^= 1;
    const Row rows[] = {
        {"method", request_mac(key, "GET", "/v1/poll/up", "tok", 7, "frames")},
        {"target", request_mac(key, "POST", "/v1/poll/down?wait=2", "tok", 7, "frames")},
        {"token", request_mac(key, "POST", "/v1/poll/up", "tok2", 7, "frames")},
        {"sequence", request_mac(key, "POST", "/v1/poll/up", "tok", 8, "frames")},
        {"body", request_mac(key, "POST", "/v1/poll/up", "tok", 7, "framez")},
        {"key", request_mac(other_key, "POST", "/v1/poll/up", "tok", 7, "frames")},
    };
    for (const Row& r : rows) {
        INFO(r.what);
        CHECK_FALSE(mac_equal(good, r.mac));
    }
    CHECK_FALSE(mac_equal(good, good.substr(1)));
    // Responses are bound to the request's sequence number and to the status.
    const std::string res = response_mac(key, 7, 200, "x");
    CHECK_FALSE(mac_equal(res, response_mac(key, 6, 200, "x")));
    CHECK_FALSE(mac_equal(res, response_mac(key, 7, 204, "x")));
    CHECK_FALSE(mac_equal(res, response_mac(key, 7, 200, "y")));
}

TEST_CASE("X-Tether-Auth headers round-trip; malformed ones are refused") {
    RequestAuth a{"0123abcd", 42, std::string(64, 'a')};
    auto back = parse_request_auth(format_request_auth(a));
    REQUIRE(back);
    CHECK(back->token == "0123abcd");
    CHECK(back->seq == 42);
    CHECK(back->mac == a.mac);
    const char* bad[] = {"", "v1", "v2 token=t seq=1 mac=" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                         "v1 token=t seq=x mac=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                         "v1 token=t seq=1 mac=aaaa", "v1 token=t seq=-1 mac=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                         "v1 token=t seq=99999999999999999999 mac=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                         "v1 token=t mac=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                         "v1 seq=1 mac=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                         "Bearer 0123"};
    for (const char* h : bad) {
        INFO(h);
        CHECK_FALSE(parse_request_auth(h));
    }
    CHECK(parse_response_auth(format_response_auth(std::string(64, 'b'))) == std::string(64, 'b'));
    CHECK_FALSE(parse_response_auth("v1 mac=zz"));
    CHECK(key_from_hex(to_hex(Key{})) == Key{});
    CHECK_FALSE(key_from_hex("00"));
    CHECK_FALSE(key_from_hex(std::string(64, 'g')));
}

TEST_CASE("the replay window takes each sequence number once, in any order within the window") {
    ReplayWindow w;
    CHECK_FALSE(w.accept(0));  // 0 is never a valid number
    CHECK(w.accept(1));
    CHECK_FALSE(w.accept(1));  // replay
    CHECK(w.accept(5));
    CHECK(w.accept(3));        // overtaken by 5 on another connection: still fresh
    CHECK_FALSE(w.accept(3));
    CHECK(w.accept(4));
    CHECK(w.accept(2));
    CHECK_FALSE(w.accept(5));
    CHECK(w.highest() == 5);

    CHECK(w.accept(5 + ReplayWindow::kWindow));
    CHECK_FALSE(w.accept(5));   // too old: indistinguishable from a replay
    CHECK(w.accept(6));         // the window's far edge: inside it and never used
    CHECK_FALSE(w.accept(6));
    CHECK(w.accept(7));
    CHECK_FALSE(w.accept(7));
    // A jump beyond the window forgets everything below it.
    CHECK(w.accept(10000));
    CHECK_FALSE(w.accept(10000));
    CHECK(w.accept(9999));
    CHECK_FALSE(w.accept(10000 - ReplayWindow::kWindow));
}

// The pieces both endpoints (tunnel/ and winnet/) share: a side's
// credential string and a new side's key.
TEST_CASE("a side's credential carries its request key; a new side's key agrees with the relay's") {
    Keys k;
    const Key rk = k.endpoint.request_key(k.relay_public);
    const std::string keyed = keyed_credential("side-id", rk);
    CHECK(keyed == "side-id~" + to_hex(rk));
    SideCredential c = parse_side_credential(keyed);
    CHECK(c.token == "side-id");
    REQUIRE(c.key);
    CHECK(*c.key == rk);
    SideCredential bearer = parse_side_credential("plain-token");
    CHECK(bearer.token == "plain-token");
    CHECK_FALSE(bearer.key);

    auto side = new_side_key(to_hex(k.relay_public));
    REQUIRE(side);
    auto pub = key_from_hex(side->public_hex);
    REQUIRE(pub);
    CHECK(relay_request_key(k.relay_secret, k.relay_public, *pub) == side->request_key);
    CHECK_FALSE(new_side_key(""));
    CHECK_FALSE(new_side_key(std::string(63, 'a')));
    CHECK_FALSE(new_side_key(std::string(64, 'g')));
    const std::uint64_t first = next_request_seq(), second = next_request_seq();
    CHECK(first < second);
}
