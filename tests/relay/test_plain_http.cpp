// --plain-http: the relay without TLS, for endpoints behind proxies that
// refuse CONNECT. A proxy then sees every request, so each one must carry a
// MAC under its side's request key (e2e/request_auth.h): these tests play
// the proxy (replays, forgeries, a stolen session id) against the real relay.
#include <catch2/catch.hpp>
#include <httplib.h>

#include "e2e/request_auth.h"
#include "relay_harness.h"

using namespace relay_test;
using nlohmann::json;

namespace {

// An in-process relay serving plain HTTP, and its public request key.
struct PlainRelay {
    relay::Log log{relay::LogLevel::debug, [](const std::string& l) { fprintf(stderr, "%s\n", l.c_str()); }};
    std::unique_ptr<relay::RelayServer> server;
    int port = 0;
    e2e::Key relay_public{};

    PlainRelay() {
        relay::Config c;
        c.listen_host = "127.0.0.1";
        c.listen_port = 0;
        c.plain_http = true;
        c.heartbeat = std::chrono::milliseconds(200);
        c.join_failures_per_ip = 0;
        c.join_failures_per_prefix = 0;
        c.create_rate_per_ip = 0;
        server = std::make_unique<relay::RelayServer>(c, log);
        port = server->start();
        auto res = client().Get("/v1/relay-key");
        REQUIRE(res);
        REQUIRE(res->status == 200);
        relay_public = *e2e::key_from_hex(json::parse(res->body)["relay_key"].get<std::string>());
    }
    ~PlainRelay() { server->stop(); }
    httplib::Client client() const {
        httplib::Client cli("127.0.0.1", port);
        cli.set_read_timeout(kPatience);
        return cli;
    }
};

// One side as an endpoint holds it: its token (public over plain HTTP) and key.
struct Side {
    std::string token;
    e2e::Key key{};
};

// A request exactly as the endpoint sends it (method, target, body, headers).
struct Signed {
    std::string method, target, body;
    httplib::Headers headers;
    std::uint64_t seq = 0;
};

std::uint64_t fresh_seq() {
    static std::uint64_t n = 0;
    return ++n;
}

Signed sign(const Side& s, const std::string& method, const std::string& target, const std::string& body,
            std::uint64_t seq = fresh_seq()) {
    e2e::RequestAuth a{s.token, seq, e2e::request_mac(s.key, method, target, s.token, seq, body)};
    return {method, target, body, {{"X-Tether-Auth", e2e::format_request_auth(a)}}, seq};
}

httplib::Result send(httplib::Client& cli, const Signed& r) {
    if (r.method == "POST") return cli.Post(r.target.c_str(), r.headers, r.body, "application/octet-stream");
    if (r.method == "DELETE") return cli.Delete(r.target.c_str(), r.headers);
    return cli.Get(r.target.c_str(), r.headers);
}

std::string error_id(const httplib::Result& res) { return json::parse(res->body).value("error", ""); }

// The answer carries the relay's MAC for request `seq`.
bool signed_answer(const httplib::Result& res, const Side& s, std::uint64_t seq) {
    auto mac = e2e::parse_response_auth(res->get_header_value("X-Tether-Auth"));
    return mac && e2e::mac_equal(*mac, e2e::response_mac(s.key, seq, res->status, res->body));
}

// create (desk) or join (client) with a fresh key agreed with the relay.
Side keyed(PlainRelay& relay, const std::string& path, json body, std::string* code = nullptr) {
    e2e::EndpointKeyAgreement agreement;
    body["key"] = e2e::to_hex(agreement.public_key);
    auto res = relay.client().Post(path.c_str(), body.dump(), "application/json");
    REQUIRE(res);
    REQUIRE((res->status == 201 || res->status == 200));
    Side s{json::parse(res->body)["token"].get<std::string>(), agreement.request_key(relay.relay_public)};
    CHECK(signed_answer(res, s, 0));  // the relay got our key, not someone else's
    if (code) *code = json::parse(res->body)["code"].get<std::string>();
    return s;
}

struct Pair {
    Side desk, client;
};

Pair keyed_pair(PlainRelay& relay) {
    std::string code;
    Pair p;
    p.desk = keyed(relay, "/v1/sessions", json{{"name", "Sam"}}, &code);
    p.client = keyed(relay, "/v1/sessions/join", json{{"code", code}});
    return p;
}

// Every data byte the side's polls give within a short while, in order.
std::string drain_data(PlainRelay& relay, const Side& s) {
    auto cli = relay.client();
    std::string bytes;
    for (int i = 0; i < 3; ++i) {
        auto r = sign(s, "GET", "/v1/poll/down?wait=1", "");
        auto res = send(cli, r);
        REQUIRE(res);
        REQUIRE(res->status == 200);
        CHECK(signed_answer(res, s, r.seq));
        wire::FrameParser parser;
        parser.feed(res->body.data(), res->body.size());
        wire::Frame f;
        while (parser.next(f))
            if (f.type == wire::FrameType::data) bytes.append(wire::data_bytes(f), wire::data_size(f));
    }
    return bytes;
}

std::string frame_of(std::uint64_t offset, const std::string& bytes) {
    std::string out;
    wire::append_data(out, offset, bytes.data(), bytes.size());
    return out;
}

}  // namespace

TEST_CASE("plain HTTP: bearer tokens and sessions without a key are refused") {
    PlainRelay relay;
    auto cli = relay.client();
    auto created = cli.Post("/v1/sessions", "{}", "application/json");
    REQUIRE(created);
    CHECK(created->status == 401);
    CHECK(error_id(created) == "key_required");
    auto joined = cli.Post("/v1/sessions/join", json{{"code", "123456"}}.dump(), "application/json");
    REQUIRE(joined);
    CHECK(error_id(joined) == "key_required");

    // A stolen session id (the token, seen by the proxy) without the key.
    Pair p = keyed_pair(relay);
    httplib::Headers bearer{{"Authorization", "Bearer " + p.desk.token}};
    for (const char* target : {"/v1/session", "/v1/poll/down?wait=0"}) {
        auto res = cli.Get(target, bearer);
        REQUIRE(res);
        CHECK(res->status == 401);
        CHECK(error_id(res) == "key_required");
    }
    auto up = cli.Post("/v1/poll/up", bearer, frame_of(0, "injected"), "application/octet-stream");
    REQUIRE(up);
    CHECK(up->status == 401);
    // ...nor with a MAC under a key of its own making.
    Side thief{p.desk.token, {}};
    e2e::random_bytes(thief.key.data(), thief.key.size());
    auto forged = send(cli, sign(thief, "POST", "/v1/poll/up", frame_of(0, "injected")));
    REQUIRE(forged);
    CHECK(forged->status == 401);
    CHECK(error_id(forged) == "bad_mac");
    auto read = send(cli, sign(thief, "GET", "/v1/poll/down?wait=0", ""));
    CHECK(error_id(read) == "bad_mac");
    auto end = send(cli, sign(thief, "DELETE", "/v1/session", ""));
    CHECK(error_id(end) == "bad_mac");
    // The session is untouched: nothing reached the client, and it is still up.
    CHECK(drain_data(relay, p.client).empty());
    auto state = send(cli, sign(p.desk, "GET", "/v1/session", ""));
    CHECK(state->status == 200);
}

TEST_CASE("plain HTTP: a replayed, altered or forged request is refused and the bytes are unchanged") {
    PlainRelay relay;
    Pair p = keyed_pair(relay);
    auto cli = relay.client();

    const Signed first = sign(p.desk, "POST", "/v1/poll/up", frame_of(0, "hello "));
    auto res = send(cli, first);
    REQUIRE(res);
    CHECK(res->status == 204);
    CHECK(signed_answer(res, p.desk, first.seq));

    // The proxy sends the captured request again, byte for byte.
    auto replay = send(cli, first);
    REQUIRE(replay);
    CHECK(replay->status == 401);
    CHECK(error_id(replay) == "replayed");

    // It alters the body under the captured MAC (and a fresh number).
    Signed altered = sign(p.desk, "POST", "/v1/poll/up", frame_of(6, "world"));
    altered.body = frame_of(6, "WORLD");
    CHECK(error_id(send(cli, altered)) == "bad_mac");
    // It moves a captured MAC to another path.
    Signed moved = sign(p.desk, "POST", "/v1/poll/up", "");
    moved.target = "/v1/session";
    moved.method = "DELETE";
    CHECK(error_id(send(cli, moved)) == "bad_mac");
    // An absent or malformed MAC.
    httplib::Headers garbage{{"X-Tether-Auth", "v1 token=" + p.desk.token + " seq=999 mac=00"}};
    CHECK(error_id(cli.Post("/v1/poll/up", garbage, frame_of(6, "x"), "application/octet-stream")) == "bad_mac");
    CHECK(error_id(cli.Post("/v1/poll/up", frame_of(6, "x"), "application/octet-stream")) == "bad_token");

    // A stream request, whose body the MAC cannot cover, is refused too.
    auto stream = send(cli, sign(p.desk, "GET", "/v1/stream/down", ""));
    CHECK(stream->status == 401);

    // The honest second request still works, out of order within the window.
    const std::uint64_t ahead = fresh_seq() + 100;  // numbers nobody used yet
    const Signed later = sign(p.desk, "POST", "/v1/poll/up", frame_of(6, "world"), ahead + 1);
    const Signed earlier = sign(p.desk, "GET", "/v1/session", "", ahead);
    CHECK(send(cli, later)->status == 204);
    CHECK(send(cli, earlier)->status == 200);
    CHECK(error_id(send(cli, earlier)) == "replayed");

    // The client got exactly the two honest frames: nothing twice, nothing altered.
    CHECK(drain_data(relay, p.client) == "hello world");
}
