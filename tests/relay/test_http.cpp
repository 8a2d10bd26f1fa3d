// The real relay in-process over TLS on 127.0.0.1: session API statuses and
// error ids, stream-mode forwarding (exact bytes both ways), pong, end,
// malformed frames, and no code or token in any log line.
#include <catch2/catch.hpp>

#include <fstream>

#include "relay_harness.h"

using namespace relay_test;
using nlohmann::json;

namespace {

// Status and error id of a response.
std::pair<int, std::string> outcome(const httplib::Result& res) {
    REQUIRE(res);
    auto j = json::parse(res->body, nullptr, false);
    return {res->status, j.is_object() && j.contains("error") ? j["error"].get<std::string>() : ""};
}

bool has_end(const std::vector<wire::Frame>& frames, wire::EndReason reason) {
    for (auto& f : frames)
        if (f.type == wire::FrameType::end && wire::payload_end(f).reason == reason) return true;
    return false;
}

// A desk and a client, paired, each with a downlink.
struct Pair {
    explicit Pair(Harness& h)
        : created(h.create()), desk_token(created["token"]), client_token(h.join(created["code"])),
          desk_down(h, desk_token), client_down(h, client_token) {
        // Both downlinks are attached once each has its first peer() frame.
        auto any = [](auto& f) { return !f.empty(); };
        REQUIRE(desk_down.wait_for(any));
        REQUIRE(client_down.wait_for(any));
    }
    json created;
    std::string desk_token, client_token;
    Downlink desk_down, client_down;
};

}  // namespace

TEST_CASE("healthz answers ok") {
    Harness h;
    auto res = h.client()->Get("/healthz");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "ok\n");
}

TEST_CASE("create answers a 6-digit code, a token and the expiry") {
    Harness h;
    json j = h.create();
    std::string code = j["code"];
    std::string token = j["token"];
    CHECK(code.size() == 6);
    CHECK(code.find_first_not_of("0123456789") == std::string::npos);
    CHECK(token.size() == 64);
    CHECK(j["expires_in"] == 600);
}

TEST_CASE("malformed create and join requests answer 400 bad_request") {
    Harness h;
    auto cli = h.client();
    const std::vector<std::pair<std::string, std::string>> rows = {
        {"/v1/sessions", "not json"},
        {"/v1/sessions", R"({"name": 5})"},
        {"/v1/sessions", "{\"name\": \"" + std::string(65, 'x') + "\"}"},
        {"/v1/sessions", "[1,2]"},
        {"/v1/sessions/join", ""},
        {"/v1/sessions/join", "{}"},
        {"/v1/sessions/join", R"({"code": 123456})"},
        {"/v1/sessions/join", R"({"code": "12345"})"},
        {"/v1/sessions/join", R"({"code": "12345a"})"},
        {"/v1/sessions/join", "\xff\xfe garbage"},
    };
    for (auto& [path, body] : rows) {
        INFO(path << " " << body);
        CHECK(outcome(cli->Post(path.c_str(), body, "application/json")) == std::pair<int, std::string>{400, "bad_request"});
    }
}

TEST_CASE("each join error has its exact status and id") {
    Harness h;
    json used = h.create();
    h.join(used["code"]);
    json ended = h.create();
    REQUIRE(h.client()->Delete("/v1/session", Harness::bearer(ended["token"]))->status == 204);
    std::string unknown = used["code"] == "000000" ? "000001" : "000000";

    CHECK(outcome(h.join_raw(json{{"code", unknown}}.dump())) == std::pair<int, std::string>{404, "unknown_code"});
    CHECK(outcome(h.join_raw(json{{"code", used["code"]}}.dump())) == std::pair<int, std::string>{409, "used_code"});
    CHECK(outcome(h.join_raw(json{{"code", ended["code"]}}.dump())) == std::pair<int, std::string>{410, "ended_session"});
}

TEST_CASE("an unused code expires: 410 expired_code") {
    Harness h([](relay::Config& c) { c.code_ttl = std::chrono::seconds(1); });
    json j = h.create();
    Downlink desk(h, j["token"]);
    // The relay sweeps once a second: the desk learns of the expiry first.
    REQUIRE(desk.wait_for([](auto& f) { return has_end(f, wire::EndReason::expired); }));
    CHECK(outcome(h.join_raw(json{{"code", j["code"]}}.dump())) == std::pair<int, std::string>{410, "expired_code"});
}

TEST_CASE("failed joins beyond the address's budget answer 429 rate_limited with Retry-After") {
    Harness h([](relay::Config& c) { c.join_failures_per_ip = 3; });
    for (int i = 0; i < 5; ++i) {  // right codes cost nothing
        json j = h.create();
        CHECK(outcome(h.join_raw(json{{"code", j["code"]}}.dump())).first == 200);
    }
    for (int i = 0; i < 3; ++i) CHECK(outcome(h.join_raw(R"({"code":"000000"})")).first == 404);
    auto res = h.join_raw(R"({"code":"000000"})");
    CHECK(outcome(res) == std::pair<int, std::string>{429, "rate_limited"});
    CHECK(std::stoi(res->get_header_value("Retry-After")) >= 1);
    json j = h.create();  // the right code too: a refusal must not tell live codes apart
    CHECK(outcome(h.join_raw(json{{"code", j["code"]}}.dump())).first == 429);
    CHECK(h.metric("tether_relay_refused_total{reason=\"join_failures_per_address\"}") == 2);
    CHECK(h.metric("tether_relay_join_failures_total{reason=\"unknown_code\"}") == 3);
}

TEST_CASE("while failed joins run high, new codes have 9 digits and join") {
    Harness h([](relay::Config& c) { c.join_alarm = 2; });
    CHECK(h.create()["code"].get<std::string>().size() == 6);
    for (int i = 0; i < 3; ++i) CHECK(outcome(h.join_raw(R"({"code":"000000"})")).first == 404);
    json j = h.create();
    const std::string code = j["code"];
    CHECK(code.size() == 9);
    CHECK(outcome(h.join_raw(json{{"code", code}}.dump())).first == 200);
    CHECK(h.metric("tether_relay_join_guard_raised_total") == 1);
    CHECK(h.metric("tether_relay_codes_created_total{length=\"long\"}") == 1);
}

TEST_CASE("requests without a valid token answer 401 bad_token, after the end 410") {
    Harness h;
    auto cli = h.client();
    CHECK(outcome(cli->Get("/v1/session")) == std::pair<int, std::string>{401, "bad_token"});
    CHECK(outcome(cli->Get("/v1/stream/down", Harness::bearer(std::string(64, 'a')))) ==
          std::pair<int, std::string>{401, "bad_token"});
    CHECK(outcome(cli->Get("/v1/session", {{"Authorization", "Basic abc"}})).first == 401);
    json j = h.create();
    CHECK(cli->Delete("/v1/session", Harness::bearer(j["token"]))->status == 204);
    CHECK(outcome(cli->Get("/v1/session", Harness::bearer(j["token"]))) == std::pair<int, std::string>{410, "ended_session"});
    CHECK(outcome(cli->Post("/v1/stream/up", Harness::bearer(j["token"]), "", "application/octet-stream")) ==
          std::pair<int, std::string>{410, "ended_session"});
}

TEST_CASE("GET /v1/session reports the peer's state and the supporter name") {
    Harness h;
    json j = h.create("Alex");
    auto state = [&](const std::string& token) {
        auto res = h.client()->Get("/v1/session", Harness::bearer(token));
        REQUIRE(res);
        REQUIRE(res->status == 200);
        return json::parse(res->body);
    };
    CHECK(state(j["token"])["state"] == "waiting");
    std::string client = h.join(j["code"]);
    {
        Downlink d(h, client);
        REQUIRE(d.wait_for([](auto& f) { return !f.empty(); }));
        CHECK(state(j["token"])["state"] == "connected");
        CHECK(state(client)["peer_name"] == "Alex");
    }
    // The client's downlink is gone: the desk sees it reconnecting (bounded wait).
    bool reconnecting = false;
    for (int i = 0; i < 100 && !reconnecting; ++i) {
        reconnecting = state(j["token"])["state"] == "reconnecting";
        if (!reconnecting) std::this_thread::sleep_for(100ms);
    }
    CHECK(reconnecting);
}

TEST_CASE("stream mode forwards exact bytes in both directions") {
    Harness h;
    Pair p(h);
    REQUIRE(p.desk_down.wait_for([](auto& f) {
        for (auto& x : f)
            if (x.type == wire::FrameType::peer && wire::payload_peer(x) == wire::PeerState::connected) return true;
        return false;
    }));
    Uplink desk_up(h, p.desk_token);
    Uplink client_up(h, p.client_token);

    std::string to_client, to_desk;
    std::string big(3 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + 3);
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < big.size(); i += 60000) {
        std::string chunk = big.substr(i, 60000);
        std::string f = data_frame(offset, chunk);
        to_client += f.substr(wire::kHeaderSize);
        desk_up.send(f);
        offset += chunk.size();
    }
    std::string hello;
    wire::append_hello(hello, 1234);
    to_desk += hello.substr(wire::kHeaderSize);
    client_up.send(hello);
    std::string ack = frame_bytes(wire::FrameType::ack, std::string(8, '\x01'));
    to_desk += ack.substr(wire::kHeaderSize);
    client_up.send(ack);

    CHECK(p.client_down.wait_bytes(to_client));
    CHECK(p.desk_down.wait_bytes(to_desk));
    CHECK(desk_up.finish() == 200);
    CHECK(client_up.finish() == 200);
}

TEST_CASE("a ping is answered with a pong carrying its stamp on the sender's downlink") {
    Harness h;
    Pair p(h);
    Uplink up(h, p.client_token);
    up.send(ping_frame(0xfeedbeef));
    CHECK(p.client_down.wait_for(has_pong(0xfeedbeef)));
}

TEST_CASE("idle downlinks receive ping(0) heartbeats") {
    Harness h;
    json j = h.create();
    Downlink d(h, j["token"]);
    CHECK(d.wait_for([](auto& f) {
        int pings = 0;
        for (auto& x : f) pings += x.type == wire::FrameType::ping && wire::payload_u64(x) == 0;
        return pings >= 2;
    }));
}

TEST_CASE("DELETE ends the session: end(by_you) to the caller, end(by_peer) to the peer") {
    Harness h;
    Pair p(h);
    REQUIRE(h.client()->Delete("/v1/session", Harness::bearer(p.client_token))->status == 204);
    CHECK(p.desk_down.wait_for([](auto& f) { return has_end(f, wire::EndReason::by_peer); }));
    CHECK(p.client_down.wait_for([](auto& f) { return has_end(f, wire::EndReason::by_you); }));
    CHECK(p.desk_down.wait_closed());
    CHECK(p.client_down.wait_closed());
    CHECK(outcome(h.join_raw(json{{"code", p.created["code"]}}.dump())).second == "ended_session");
}

TEST_CASE("an end frame on the uplink ends the session like DELETE") {
    Harness h;
    Pair p(h);
    Uplink up(h, p.desk_token);
    std::string end;
    wire::append_end(end, wire::EndReason::by_peer, "bye");
    up.send(end);
    CHECK(p.client_down.wait_for([](auto& f) { return has_end(f, wire::EndReason::by_peer); }));
    CHECK(p.desk_down.wait_for([](auto& f) { return has_end(f, wire::EndReason::by_you); }));
}

TEST_CASE("a stream probe (?probe=1) echoes pings on its own downlink and leaves the session alone") {
    Harness h;
    Pair p(h);
    Downlink probe_down(h, p.client_token, "/v1/stream/down?probe=1");
    // Pongs go to the probe's downlink once it is open (the endpoint's
    // carrier waits for its response headers before pinging, as here).
    for (int i = 0; i < 500 && probe_down.status() != 200; ++i) std::this_thread::sleep_for(10ms);
    REQUIRE(probe_down.status() == 200);
    Uplink probe_up(h, p.client_token, "/v1/stream/up?probe=1");
    probe_up.send(ping_frame(0xabc123));
    CHECK(probe_down.wait_for(has_pong(0xabc123)));
    // The session's downlink of that side still gets the session's frames,
    // and not the probe's pong.
    Uplink desk_up(h, p.desk_token);
    desk_up.send(data_frame(0, "still delivered"));
    CHECK(p.client_down.wait_bytes(std::string(8, '\0') + "still delivered"));
    CHECK(p.client_down.wait_for([](auto& f) { return !has_pong(0xabc123)(f); }));
    // The desk never saw its peer go away.
    CHECK(p.desk_down.wait_for([](auto& f) {
        for (auto& x : f)
            if (x.type == wire::FrameType::peer && wire::payload_peer(x) == wire::PeerState::reconnecting) return false;
        return true;
    }));
    // A probe may only ping.
    auto res = h.client()->Post("/v1/stream/up?probe=1", Harness::bearer(p.client_token), data_frame(0, "x"),
                                "application/octet-stream");
    CHECK(outcome(res) == std::pair<int, std::string>{400, "protocol_error"});
    CHECK(probe_up.finish() == 200);
}

TEST_CASE("a second downlink of a side replaces the first") {
    Harness h;
    Pair p(h);
    Downlink newer(h, p.client_token);
    CHECK(p.client_down.wait_closed());
    Uplink up(h, p.desk_token);
    up.send(data_frame(0, "after replace"));
    CHECK(newer.wait_bytes(std::string(8, '\0') + "after replace"));
}

TEST_CASE("malformed frames on an uplink answer 400 protocol_error and never crash") {
    Harness h;
    Pair p(h);
    auto cli = h.client();
    std::string too_long("\x01\x7f\xff\xff\xff", 5);  // length far beyond 1 MiB
    std::string short_ping = frame_bytes(wire::FrameType::ping, "abc");
    const std::vector<std::pair<const char*, std::string>> rows = {
        {"unknown type", std::string("\x7f\x00\x00\x00\x00", 5)},
        {"oversized length", too_long},
        {"ping without stamp", short_ping},
        {"peer frame from an endpoint", frame_bytes(wire::FrameType::peer, std::string(1, '\1'))},
        {"garbage after a good frame", data_frame(0, "ok") + "\x99garbage"},
    };
    for (auto& [what, body] : rows) {
        INFO(what);
        auto res = cli->Post("/v1/stream/up", Harness::bearer(p.desk_token), body, "application/octet-stream");
        CHECK(outcome(res) == std::pair<int, std::string>{400, "protocol_error"});
    }
    // The chunked carrier too, and the relay still serves afterwards.
    Uplink up(h, p.desk_token);
    up.send(std::string("\x42\x00\x00\x00\x01x", 6));
    CHECK(up.finish() == 400);
    CHECK(h.client()->Get("/healthz")->status == 200);
}

TEST_CASE("metrics count sessions, joins, failures and forwarded frames") {
    Harness h;
    Pair p(h);
    h.join_raw(R"({"code":"bad"})");
    Uplink up(h, p.desk_token);
    up.send(data_frame(0, "xyz"));
    REQUIRE(p.client_down.wait_bytes(std::string(8, '\0') + "xyz"));
    auto res = h.client()->Get("/metrics");
    REQUIRE(res);
    const std::string& m = res->body;
    CHECK(m.find("tether_relay_sessions_created_total 1\n") != std::string::npos);
    CHECK(m.find("tether_relay_joins_total 1\n") != std::string::npos);
    CHECK(m.find("tether_relay_join_failures_total{reason=\"bad_request\"} 1\n") != std::string::npos);
    CHECK(m.find("tether_relay_frames_forwarded_total{direction=\"desk_to_client\"} 1\n") != std::string::npos);
    CHECK(m.find("tether_relay_sessions{state=\"connected\"} 1\n") != std::string::npos);
    CHECK(m.find("tether_relay_open_streams{kind=\"down\"} 2\n") != std::string::npos);
}

TEST_CASE("no code or token appears in any log line") {
    Harness h;
    {
        Pair p(h);
        Uplink up(h, p.desk_token);
        up.send(data_frame(0, "x"));
        REQUIRE(p.client_down.wait_bytes(std::string(8, '\0') + "x"));
        h.join_raw(json{{"code", p.created["code"]}}.dump());  // used_code, logged
        h.client()->Get("/v1/session", Harness::bearer(p.desk_token));
        h.client()->Delete("/v1/session", Harness::bearer(p.client_token));
        REQUIRE(p.desk_down.wait_closed());
    }
    json expired = h.create();
    h.client()->Delete("/v1/session", Harness::bearer(expired["token"]));
    const auto lines = h.log_lines();
    REQUIRE(lines.size() > 5);  // the log did say things
    for (const std::string& secret : h.secrets())
        for (const std::string& line : lines) {
            INFO(line);
            CHECK(line.find(secret) == std::string::npos);
        }
}

TEST_CASE("a newer uplink of a side replaces the older: 409 replaced, forwarding continues") {
    Harness h;
    Pair p(h);
    Uplink older(h, p.desk_token);
    older.send(data_frame(0, "a"));
    REQUIRE(p.client_down.wait_bytes(std::string(8, '\0') + "a"));
    Uplink newer(h, p.desk_token);
    newer.send(data_frame(1, "b"));
    REQUIRE(p.client_down.wait_bytes(std::string(8, '\0') + "a" + std::string(7, '\0') + "\1b"));
    older.send(data_frame(2, "c"));  // not forwarded: the older uplink is over
    CHECK(older.finish() == 409);
    CHECK(json::parse(older.body())["error"] == "replaced");
    newer.send(data_frame(2, "d"));
    CHECK(p.client_down.wait_bytes(std::string(8, '\0') + "a" + std::string(7, '\0') + "\1b" + std::string(7, '\0') + "\2d"));
}

TEST_CASE("--capture-dir records forwarded end-to-end payloads per direction") {
    TempDir capture;
    Harness h([&](relay::Config& c) { c.capture_dir = capture.path(); });
    Pair p(h);
    Uplink up(h, p.client_token);
    up.send(data_frame(0, "secret?"));
    REQUIRE(p.desk_down.wait_bytes(std::string(8, '\0') + "secret?"));
    std::vector<std::string> files;
    for (auto& e : std::filesystem::directory_iterator(capture.path())) files.push_back(e.path().filename());
    REQUIRE(files.size() == 1);
    CHECK(files[0].size() == std::string("12345678.client-to-desk").size());
    CHECK(files[0].substr(8) == ".client-to-desk");
    std::ifstream in(capture.path() + "/" + files[0], std::ios::binary);
    std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(got == std::string(8, '\0') + "secret?");
}

TEST_CASE("a vanished side: the peer gets peer(reconnecting), then end(peer_timeout) after the grace") {
    Harness h([](relay::Config& c) { c.grace = std::chrono::seconds(1); });
    json j = h.create();
    std::string client = h.join(j["code"]);
    Downlink desk(h, j["token"]);
    auto has_peer = [](wire::PeerState s) {
        return [s](const std::vector<wire::Frame>& f) {
            for (auto& x : f)
                if (x.type == wire::FrameType::peer && wire::payload_peer(x) == s) return true;
            return false;
        };
    };
    {
        Downlink gone(h, client);
        REQUIRE(desk.wait_for(has_peer(wire::PeerState::connected)));
    }  // the client's connection closes here
    CHECK(desk.wait_for(has_peer(wire::PeerState::reconnecting)));
    CHECK(desk.wait_for([](auto& f) { return has_end(f, wire::EndReason::peer_timeout); }));
    CHECK(outcome(h.join_raw(json{{"code", j["code"]}}.dump())).second == "ended_session");
}

TEST_CASE("session creations beyond the rate answer 429 rate_limited") {
    Harness h([](relay::Config& c) { c.create_rate_per_ip = 2; });
    h.create();
    h.create();
    auto res = h.client()->Post("/v1/sessions", "{}", "application/json");
    CHECK(outcome(res) == std::pair<int, std::string>{429, "rate_limited"});
    CHECK(std::stoi(res->get_header_value("Retry-After")) >= 1);
}

TEST_CASE("after the end an uplink that only pings is answered 410 ended_session") {
    Harness h;
    Pair p(h);
    Uplink up(h, p.desk_token);
    up.send(ping_frame(5));
    REQUIRE(p.desk_down.wait_for(has_pong(5)));
    REQUIRE(h.client()->Delete("/v1/session", Harness::bearer(p.client_token))->status == 204);
    up.send(ping_frame(5));
    CHECK(up.finish() == 410);
    CHECK(json::parse(up.body())["error"] == "ended_session");
}
