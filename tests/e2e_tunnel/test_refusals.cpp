// What the endpoint says when trust or the session is refused: an unknown
// CA, a certificate for another name, and a token the relay does not know.
#include <catch2/catch.hpp>

#include "tunnel/carrier_stream.h"
#include "tunnel_fixture.h"

TEST_CASE("TLS trust and session refusals give clear, final errors", "[refusals]") {
    test_support::SquidOptions so;
    so.hosts = {{"relay.tether.test", "127.0.0.1"}, {"impostor.tether.test", "127.0.0.1"}};
    test_support::Squid squid(so);
    test_support::Relay relay;
    e2e::Route route = e2e::via(squid, relay);

    SECTION("the relay's CA is not trusted: the message points at --ca") {
        route.ca_file.clear();
        auto r = e2e::run_tunnel(route, {"open"});
        INFO(r.err);
        CHECK(r.code == 1);
        CHECK(r.err.find("presented a certificate that cannot be verified") != std::string::npos);
        CHECK(r.err.find("--ca FILE") != std::string::npos);
    }
    SECTION("the certificate is for other names: the host name is verified") {
        route.relay_url = relay.url("impostor.tether.test");
        auto r = e2e::run_tunnel(route, {"open"});
        INFO(r.err);
        CHECK(r.code == 1);
        CHECK(r.err.find("impostor.tether.test:" + std::to_string(relay.port()) +
                         " presented a certificate that cannot be verified") != std::string::npos);
    }
    SECTION("a token the relay does not know: the session is gone, retrying cannot help") {
        tunnel::EndpointConfig cfg;
        cfg.relay_url = relay.url("relay.tether.test");
        cfg.ca_file = relay.ca_file();
        cfg.proxy_url = squid.url();
        try {
            tunnel::connect_stream_carrier(cfg, std::string(64, '0'));
            FAIL("connected with an unknown token");
        } catch (const session::CarrierError& e) {
            INFO(e.what());
            CHECK(e.fatal);
            CHECK(std::string(e.what()).find("the relay no longer knows this session (401)") != std::string::npos);
        }
    }
}
