// --plain-http: the same relay without TLS (for poll-mode tests behind
// plain-HTTP intermediaries); the downlink still notices a closed peer.
#include <catch2/catch.hpp>
#include <httplib.h>

#include "relay_harness.h"

using namespace relay_test;
using nlohmann::json;

TEST_CASE("plain HTTP serves the API and streams, and notices a closed downlink") {
    relay::Log log(relay::LogLevel::error, [](const std::string&) {});
    relay::Config c;
    c.listen_host = "127.0.0.1";
    c.listen_port = 0;
    c.plain_http = true;
    c.heartbeat = std::chrono::milliseconds(200);
    relay::RelayServer server(c, log);
    const int port = server.start();
    httplib::Client cli("127.0.0.1", port);
    cli.set_read_timeout(kPatience);

    auto created = cli.Post("/v1/sessions", "{}", "application/json");
    REQUIRE(created);
    REQUIRE(created->status == 201);
    json j = json::parse(created->body);
    auto joined = cli.Post("/v1/sessions/join", json{{"code", j["code"]}}.dump(), "application/json");
    REQUIRE(joined->status == 200);
    std::string client_token = json::parse(joined->body)["token"];
    httplib::Headers desk_auth{{"Authorization", "Bearer " + j["token"].get<std::string>()}};

    // A client downlink that reads its first frames and then hangs up.
    httplib::Client down("127.0.0.1", port);
    int chunks = 0;
    down.Get("/v1/stream/down", {{"Authorization", "Bearer " + client_token}},
             [&](const char*, std::size_t) { return ++chunks < 2; });
    CHECK(chunks == 2);

    bool reconnecting = false;
    for (int i = 0; i < 100 && !reconnecting; ++i) {
        auto res = cli.Get("/v1/session", desk_auth);
        reconnecting = res && json::parse(res->body)["state"] == "reconnecting";
        if (!reconnecting) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(reconnecting);
}
