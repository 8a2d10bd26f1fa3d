// Issue 3 end to end: poll mode, the automatic choice, and sessions that
// survive the network, through real nginx and squid instances.
#include <catch2/catch.hpp>

#include "poll_fixture.h"
#include "recording_proxy.h"
#include "support/proxy_conf.h"
#include "support/net.h"
#include "support/nginx.h"
#include "support/relay_fixture.h"
#include "support/squid.h"
#include "support/sha256.h"
#include "support/temp_dir.h"
#include "tunnel/endpoint.h"
#include "tunnel/endpoint_options.h"
#include "tunnel/session_client.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <regex>
#include <thread>
#include <vector>

using namespace e2e_poll;
using namespace test_support;
using tunnel::TransportMode;

namespace {

constexpr std::size_t MiB = 1024 * 1024;

tunnel::EndpointConfig config(const std::string& url, const std::string& ca) {
    tunnel::EndpointConfig c;
    c.relay_url = url;
    c.ca_file = ca;
    return c;
}

tunnel::TransportPolicy policy(TransportMode m) {
    tunnel::TransportPolicy p;
    p.mode = m;
    return p;
}

std::string pattern_bytes(std::size_t n) {
    std::string s(n, '\0');
    std::uint64_t x = 88172645463325252ULL;
    for (auto& c : s) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        c = static_cast<char>(x);
    }
    return s;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("behind a buffering nginx, stream mode fails and the session runs in poll mode", "[nginx_buffering]") {
    Relay relay;
    TempDir dir("tether-nginx-cert");
    auto [cert, key] = make_cert(dir);
    Nginx nginx({relay.port(), cert, key, /*buffering=*/true});
    auto cfg = config(nginx.url(), cert);

    // The probe proves that nginx holds streamed data...
    tunnel::SessionClient api(cfg);
    auto probe_session = api.create("probe");
    // (Bounded like the automatic choice bounds it: nginx holds even the
    // response headers, so connecting waits out 2 x connect_timeout.)
    auto probe_cfg = cfg;
    probe_cfg.connect_timeout = std::chrono::seconds(4);
    CHECK_THROWS_AS(tunnel::probe_stream_echo(probe_cfg, probe_session.token, std::chrono::milliseconds(2500)),
                    session::CarrierError);
    // ...while polling through it works.
    CHECK(tunnel::probe_poll_echo(cfg, probe_session.token, std::chrono::milliseconds(5000)).count() > 0);

    TempDir cache("tether-transport-memory");
    auto auto_policy = policy(TransportMode::automatic);
    auto_policy.memory_file = cache.file("transport");
    {
        auto pair = make_pair(cfg, auto_policy);
        CHECK_THAT(pair.desk_detail(), Catch::Contains("poll mode"));
        CHECK_THAT(pair.client_detail(), Catch::Contains("poll mode"));
        CHECK(exchange(pair, 4 * MiB));
    }
    // What crossed nginx: bounded poll requests, never a stream that worked.
    CHECK(contains(nginx.access_log(), "POST /v1/poll/up"));
    CHECK(contains(nginx.access_log(), "GET /v1/poll/down"));

    // The choice is remembered for this path: the next session does not
    // probe stream mode again (no new stream request reaches nginx).
    auto stream_requests = [&] {
        std::string log = nginx.access_log();
        std::size_t n = 0;
        for (std::size_t at = log.find("/v1/stream/"); at != std::string::npos; at = log.find("/v1/stream/", at + 1)) ++n;
        return n;
    };
    std::size_t before = stream_requests();
    auto again = make_pair(cfg, auto_policy);
    CHECK_THAT(again.desk_detail(), Catch::Contains("poll mode"));
    CHECK(exchange(again, 256 * 1024));
    CHECK(stream_requests() == before);
}

TEST_CASE("squid refusing CONNECT: plain-HTTP poll works only when allowed", "[plain_http]") {
    PlainRelay relay;
    SquidOptions refusing;
    refusing.deny_connect = true;
    Squid squid(refusing);
    auto cfg = config(relay.url(), "");
    cfg.proxy_url = squid.url();

    SECTION("not allowed: a clear refusal, nothing sent") {
        try {
            tunnel::SessionClient(cfg).create("not allowed");
            FAIL("a plain-HTTP relay URL was accepted without allow_plain_http");
        } catch (const session::CarrierError& e) {
            CHECK(e.fatal);
            CHECK(contains(e.what(), "allow_plain_http"));
        }
        CHECK_FALSE(contains(squid.access_log(), "/v1/"));
    }
    SECTION("allowed without the relay's key: refused, nothing sent") {
        cfg.allow_plain_http = true;
        try {
            tunnel::SessionClient(cfg).create("no key");
            FAIL("plain HTTP was used without the relay's key");
        } catch (const session::CarrierError& e) {
            CHECK(e.fatal);
            CHECK(contains(e.what(), "relay_key"));
        }
        CHECK_FALSE(contains(squid.access_log(), "/v1/"));
    }
    SECTION("allowed: the session works as forward-proxy requests") {
        cfg.allow_plain_http = true;
        cfg.relay_key = relay.key;
        auto pair = make_pair(cfg, policy(TransportMode::automatic));
        CHECK(contains(pair.desk_detail(), "plain HTTP"));
        CHECK(exchange(pair, 2 * MiB));
        CHECK(squid.wait_for_log("POST http://127.0.0.1:[0-9]+/v1/poll/up", std::chrono::seconds(5)));
        CHECK_FALSE(contains(squid.access_log(), "CONNECT"));
    }
}

namespace {

// The header's value in a raw request ("" if absent).
std::string header_of(const std::string& request, const std::string& name) {
    auto at = request.find("\r\n" + name + ": ");
    if (at == std::string::npos) return "";
    at += name.size() + 4;
    return request.substr(at, request.find("\r\n", at) - at);
}

// `request` with the line of header `name` replaced by `line` (without CRLF).
std::string with_line(std::string request, const std::string& name, const std::string& line) {
    auto at = request.find("\r\n" + name + ": ") + 2;
    return request.replace(at, request.find("\r\n", at) - at, line);
}

std::string error_of(const RawAnswer& a) {
    auto at = a.body.find("\"error\":\"");
    return at == std::string::npos ? "" : a.body.substr(at + 9, a.body.find('"', at + 9) - at - 9);
}

}  // namespace

TEST_CASE("a proxy that sees the plain requests cannot replay, inject or take over", "[plain_replay]") {
    PlainRelay relay;
    RecordingProxy proxy(relay.port);
    auto cfg = config(relay.url(), "");
    cfg.proxy_url = proxy.url();
    cfg.allow_plain_http = true;
    cfg.relay_key = relay.key;
    auto pair = make_pair(cfg, policy(TransportMode::automatic));

    std::vector<RawAnswer> replays, forged;
    std::vector<std::string> thefts;
    auto attack = [&] {
        auto seen = proxy.requests();
        std::vector<std::string> ups;
        for (auto& r : seen)
            if (r.rfind("POST http://", 0) == 0 && r.find("/v1/poll/up ") != std::string::npos) ups.push_back(r);
        if (ups.size() < 2) return;  // checked below (no REQUIRE off the test's thread)
        // Replay captured uploads (frames of the session) straight to the relay.
        for (std::size_t i = 0; i < 3 && i < ups.size(); ++i) replays.push_back(send_raw(relay.port, ups[i]));
        // Inject: a captured upload with its body's bytes changed, and one without a MAC.
        std::string changed = ups.back();
        changed[changed.size() - 1] ^= 1;
        forged.push_back(send_raw(relay.port, changed));
        std::string auth = header_of(ups.back(), "X-Tether-Auth");
        std::string no_mac = with_line(ups.back(), "X-Tether-Auth", "X-Tether-Auth: v1");
        forged.push_back(send_raw(relay.port, no_mac));
        // Take over: the session id (token) the proxy saw, as a bearer token.
        auto token_at = auth.find("token=") + 6;
        std::string token = auth.substr(token_at, auth.find(' ', token_at) - token_at);
        std::string bearer = with_line(ups.back(), "X-Tether-Auth", "Authorization: Bearer " + token);
        auto as_bearer = send_raw(relay.port, bearer);
        thefts.push_back(error_of(as_bearer));
        std::string read = "GET /v1/poll/down?wait=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
                           "\r\nContent-Length: 0\r\n\r\n";
        thefts.push_back(error_of(send_raw(relay.port, read)));
    };
    CHECK(exchange(pair, 4 * MiB, attack));  // both directions arrive exactly, attack or not

    REQUIRE(replays.size() >= 2);
    for (auto& r : replays) {
        CHECK(r.status == 401);
        CHECK(error_of(r) == "replayed");
    }
    REQUIRE(forged.size() == 2);
    for (auto& f : forged) {
        CHECK(f.status == 401);
        CHECK(error_of(f) == "bad_mac");
    }
    CHECK(thefts == std::vector<std::string>{"key_required", "key_required"});
    // What the proxy saw: no bearer token, a MAC on every session request, no CONNECT.
    for (auto& r : proxy.requests()) {
        CHECK_FALSE(contains(r, "Authorization: Bearer"));
        if (!contains(r, "/v1/sessions")) CHECK(contains(r, "X-Tether-Auth: v1 token="));
    }
    CHECK(proxy.connects_refused() == 0);
}

namespace {

// The first group of `re` in `text` (throws if absent).
std::string first_match(const std::string& text, const std::string& re) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(re))) throw std::runtime_error("no /" + re + "/ in:\n" + text);
    return m[1].str();
}

}  // namespace

TEST_CASE("plain-HTTP fallback after a refused CONNECT only where proxy.conf allows it", "[plain_fallback]") {
    // One relay: TLS for the supporter, plain HTTP beside it (--plain-listen)
    // for the customer whose proxy refuses CONNECT.
    Relay relay(RelayOptions{{"--plain-listen", "127.0.0.1:0"}});
    const std::string plain_url =
        "http://127.0.0.1:" + first_match(relay.log(), "listening on http://[^ :]+:([0-9]+)") + "/";
    const std::string key = first_match(relay.log(), "request key \\(proxy.conf relay_key[^:]*: ([0-9a-f]{64})");
    SquidOptions refusing;
    refusing.deny_connect = true;
    Squid squid(refusing);
    TempDir dir("tether-plain-fallback");
    const std::string base_conf =
        test_support::loopback_proxy_conf("proxy = " + squid.url() + "\nwpad = no\nrelay_key = " + key + "\n");
    auto customer = [&](const std::string& conf) {
        tunnel::EndpointOptions o;
        o.base.relay_url = relay.url();
        o.base.ca_file = relay.ca_file();
        o.proxy_conf = dir.write("proxy.conf", conf);
        o.transport_memory = "none";
        return tunnel::prepare_egress(o);
    };
    // The supporter reaches the relay over HTTPS directly.
    auto desk = tunnel::open_session(config(relay.url(), relay.ca_file()), "desk", {}, policy(TransportMode::poll));

    SECTION("not allowed: the refused CONNECT is reported, no plain request is made") {
        auto egress = customer(base_conf);
        for (auto& r : egress.plan.routes) CHECK_FALSE(r.plain_fallback);
        try {
            tunnel::join_session(*egress.detector, egress.plan, desk->code(), {});
            FAIL("joined although the proxy refuses CONNECT and plain HTTP is not allowed");
        } catch (const session::CarrierError& e) {
            CHECK(e.fatal);
            CHECK(contains(e.what(), "refused CONNECT"));
        }
        CHECK(squid.wait_for_log("CONNECT 127.0.0.1", std::chrono::seconds(5)));  // squid writes its log lazily
        CHECK_FALSE(contains(squid.access_log(), "/v1/"));
    }
    SECTION("allowed: CONNECT is refused, then the customer joins over plain HTTP and says so") {
        auto egress = customer(base_conf + "allow_plain_http = yes\nplain_relay_url = " + plain_url + "\n");
        REQUIRE(!egress.plan.routes.empty());
        CHECK_FALSE(egress.plan.routes.front().plain_fallback);
        CHECK(egress.plan.routes.back().plain_fallback);
        CHECK(contains(egress.plan.routes.back().why, "plain HTTP because that proxy refused CONNECT"));
        auto client = tunnel::join_session(*egress.detector, egress.plan, desk->code(), {});
        const std::string payload = pattern_bytes(3 * MiB / 2);
        std::thread writer([&] {
            desk->write(payload.data(), payload.size());
            desk->shutdown_write();
        });
        std::string got;
        char buf[65536];
        while (std::size_t n = client->read(buf, sizeof buf)) got.append(buf, n);
        writer.join();
        CHECK(sha256(got) == sha256(payload));
        CHECK(contains(client->status().detail, "plain HTTP"));
        CHECK_FALSE(contains(desk->status().detail, "plain HTTP"));
        CHECK(squid.wait_for_log("POST http://127.0.0.1:[0-9]+/v1/poll/up", std::chrono::seconds(5)));
        CHECK(squid.wait_for_log("CONNECT 127.0.0.1", std::chrono::seconds(5)));
        client->end();
    }
}

TEST_CASE("idle sessions stay up through a squid with a 3 s read_timeout", "[short_read_timeout]") {
    Relay relay;
    SquidOptions so;
    so.read_timeout_seconds = 3;
    Squid squid(so);
    auto cfg = config(relay.url(), relay.ca_file());
    cfg.proxy_url = squid.url();
    for (auto mode : {TransportMode::stream, TransportMode::poll}) {
        INFO(tunnel::to_string(mode));
        auto pair = make_pair(cfg, policy(mode));
        auto carriers_before = pair.desk->stats().carriers + pair.client->stats().carriers;
        std::this_thread::sleep_for(std::chrono::seconds(9));  // three squid timeouts, idle
        CHECK(pair.desk->stats().carriers + pair.client->stats().carriers == carriers_before);
        CHECK(exchange(pair, 256 * 1024));
    }
}

TEST_CASE("proxy killed and restarted mid-transfer: 50 MiB arrive intact", "[proxy_restart]") {
    Relay relay;
    Squid squid;
    auto cfg = config(relay.url(), relay.ca_file());
    cfg.proxy_url = squid.url();
    for (auto mode : {TransportMode::poll, TransportMode::stream}) {
        INFO(tunnel::to_string(mode));
        auto pair = make_pair(cfg, policy(mode));
        CHECK(exchange(pair, 50 * MiB, [&] { squid.restart(); }));
        // The fault really happened: a side replaced its carrier.
        INFO("desk carriers " << pair.desk->stats().carriers << ", client carriers "
                              << pair.client->stats().carriers);
        CHECK(pair.desk->stats().carriers + pair.client->stats().carriers >= 3);
    }
}

TEST_CASE("stream mode breaking mid-transfer moves the session to poll mode without loss", "[stream_to_poll]") {
    Relay relay;
    TempDir dir("tether-nginx-cert");
    auto [cert, key] = make_cert(dir);
    NginxOptions no{relay.port(), cert, key, /*buffering=*/false};
    no.max_body = "0";  // no body limit: only the buffering restart may break stream mode here
    Nginx nginx(no);
    auto cfg = config(nginx.url(), cert);
    auto pair = make_pair(cfg, policy(TransportMode::automatic));
    REQUIRE(contains(pair.desk_detail(), "stream mode"));
    // Mid-transfer the path starts buffering (nginx restarted with defaults).
    CHECK(exchange(pair, 50 * MiB, [&] { nginx.restart(/*buffering=*/true); }));
    CHECK_THAT(pair.desk_detail(), Catch::Contains("poll mode"));
    CHECK_THAT(pair.client_detail(), Catch::Contains("poll mode"));
}

namespace {

// A byte at stream offset `off` of a flow (any lost, duplicated or moved
// byte shows).
char flow_byte(std::uint64_t off, unsigned seed) {
    return static_cast<char>(((off + seed) * 2654435761u) >> 13);
}

// One direction written in 64 KiB pieces until `stop`, then half-closed;
// the reader checks every byte against flow_byte.
struct Flow {
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> received{0};
    std::uint64_t sent = 0;
    bool intact = true;
    std::thread writer, reader;

    Flow(session::ByteStream& from, session::ByteStream& to, unsigned seed) {
        writer = std::thread([this, &from, seed] {
            std::vector<char> buf(64 * 1024);
            try {
                while (!stop) {
                    for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = flow_byte(sent + i, seed);
                    from.write(buf.data(), buf.size());
                    sent += buf.size();
                }
                from.shutdown_write();
            } catch (const std::exception&) {
                intact = false;
            }
        });
        reader = std::thread([this, &to, seed] {
            std::vector<char> buf(64 * 1024);
            try {
                while (std::size_t n = to.read(buf.data(), buf.size())) {
                    for (std::size_t i = 0; i < n; ++i)
                        if (buf[i] != flow_byte(received + i, seed)) intact = false;
                    received += n;
                }
            } catch (const std::exception&) {
                intact = false;
            }
        });
    }
    // Stops writing and waits for the reader to see the end; true if every
    // byte written arrived, in order.
    bool finish() {
        stop = true;
        writer.join();
        reader.join();
        return intact && received == sent;
    }
};

}  // namespace

TEST_CASE("poll mode moves back to stream mode once the path stops buffering, without loss", "[poll_to_stream]") {
    Relay relay;
    TempDir dir("tether-nginx-cert");
    auto [cert, key] = make_cert(dir);
    NginxOptions no{relay.port(), cert, key, /*buffering=*/true};
    no.max_body = "0";  // no body limit (that is the [body_limit] case)
    Nginx nginx(no);
    auto cfg = config(nginx.url(), cert);
    auto p = policy(TransportMode::automatic);
    p.stream_retry = p.stream_retry_max = std::chrono::milliseconds(1000);  // 60 s doubling in the programs
    auto pair = make_pair(cfg, p);
    REQUIRE(contains(pair.desk_detail(), "poll mode"));

    // Data flows both ways the whole time.
    Flow to_client(*pair.desk, *pair.client, 1), to_desk(*pair.client, *pair.desk, 2);
    // Still buffering: the tests beside the session fail, and it keeps running.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    CHECK_THAT(pair.desk_detail(), Catch::Contains("poll mode"));
    CHECK(to_client.received > 0);
    const auto carriers_in_poll = pair.desk->stats().carriers + pair.client->stats().carriers;
    const auto states_in_poll = pair.desk_states().size();

    // The path stops buffering: both sides move back, mid-transfer.
    nginx.restart(/*buffering=*/false);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!(contains(pair.desk_detail(), "stream mode") && contains(pair.client_detail(), "stream mode")) &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_THAT(pair.desk_detail(), Catch::Contains("stream mode"));
    CHECK_THAT(pair.client_detail(), Catch::Contains("stream mode"));
    CHECK(pair.desk->stats().carriers + pair.client->stats().carriers > carriers_in_poll);
    const auto at_switch = to_client.received.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // and on in stream mode
    CHECK(to_client.received > at_switch);
    CHECK(to_client.finish());  // every byte, in order, across the switch
    CHECK(to_desk.finish());
    // The move itself showed no outage: the desk went from "connected: poll
    // mode" straight to "connected: stream mode". (nginx's restart is a real
    // outage and shows "reconnecting" lines of its own, before.)
    auto states = pair.desk_states();
    auto starts = [](const std::string& s, const char* p) { return s.rfind(p, 0) == 0; };
    auto moved = std::find_if(states.begin() + static_cast<long>(states_in_poll), states.end(),
                              [&](const std::string& s) { return starts(s, "connected: stream mode"); });
    REQUIRE(moved != states.end());
    INFO("the line before the move: " << *std::prev(moved));
    CHECK(starts(*std::prev(moved), "connected: poll mode"));
    // Probes crossed nginx beside the session.
    CHECK(contains(nginx.access_log(), "/v1/stream/down?probe=1"));
}

TEST_CASE("a path that cuts long request bodies (413) moves the session to poll mode for good", "[body_limit]") {
    Relay relay;
    TempDir dir("tether-nginx-cert");
    auto [cert, key] = make_cert(dir);
    NginxOptions no{relay.port(), cert, key, /*buffering=*/false};
    no.max_body = "1m";  // nginx's default: a stream uplink is one long body
    Nginx nginx(no);
    auto cfg = config(nginx.url(), cert);
    auto p = policy(TransportMode::automatic);
    p.stream_retry = std::chrono::milliseconds(500);  // would try stream mode again at once, if it could
    auto pair = make_pair(cfg, p);
    REQUIRE(contains(pair.desk_detail(), "stream mode"));  // short requests pass: the probe echoes

    CHECK(exchange(pair, 20 * MiB));  // both uplinks pass 1 MiB early on
    CHECK(contains(nginx.access_log(), "\" 413 "));
    CHECK_THAT(pair.desk_detail(), Catch::Contains("poll mode"));
    CHECK_THAT(pair.client_detail(), Catch::Contains("poll mode"));
    // One cut, not one every MiB: at most the first stream carrier, perhaps
    // a second one raced in, and the poll carrier per side.
    INFO("carriers: desk " << pair.desk->stats().carriers << ", client " << pair.client->stats().carriers);
    CHECK(pair.desk->stats().carriers <= 3);
    CHECK(pair.client->stats().carriers <= 3);
    // And it stays there: no move back to a mode the path cuts.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    CHECK_THAT(pair.desk_detail(), Catch::Contains("poll mode"));
    CHECK_FALSE(contains(nginx.access_log(), "probe=1"));
}

TEST_CASE("squid with NTLM: sessions work in both modes", "[ntlm]") {
    Relay relay;
    SquidOptions so;
    so.ntlm = true;
    Squid squid(so);
    auto cfg = config(relay.url(), relay.ca_file());
    cfg.proxy_url = squid.url();
    cfg.proxy_user = "alice";
    cfg.proxy_password = "secret";
    cfg.proxy_auth = "ntlm";
    for (auto mode : {TransportMode::stream, TransportMode::poll}) {
        INFO(tunnel::to_string(mode));
        auto pair = make_pair(cfg, policy(mode));
        CHECK(contains(pair.desk_detail(), mode == TransportMode::poll ? "poll mode" : "stream mode"));
        CHECK(exchange(pair, 4 * MiB));
    }
    // ntlm_fake_auth logs the NTLM user oddly decorated (e.g. a\\alicew).
    CHECK(squid.wait_for_log("TCP_TUNNEL/200 [0-9]+ CONNECT [^ ]+ [^ ]*alice", std::chrono::seconds(5)));
}

TEST_CASE("squid with ssl-bump (TLS interception): a session works when its CA is trusted", "[ssl_bump]") {
    Relay relay;
    TempDir dir("tether-bump-ca");
    auto [ca_cert, ca_key] = make_ca(dir);
    SquidOptions so;
    so.bump_ca_cert = ca_cert;
    so.bump_ca_key = ca_key;
    so.hosts = {{"relay.tether.test", "127.0.0.1"}};
    Squid squid(so);
    // The endpoint trusts the proxy's CA, as corporate machines do.
    auto cfg = config(relay.url("relay.tether.test"), ca_cert);
    cfg.proxy_url = squid.url();

    auto pair = make_pair(cfg, policy(TransportMode::automatic));
    CHECK(exchange(pair, 4 * MiB));
    // squid saw inside the tunnel: it logged the relay's request paths.
    CHECK(squid.wait_for_log("https://relay.tether.test:[0-9]+/v1/", std::chrono::seconds(5)));

    SECTION("without the inspection CA: a clear certificate error") {
        auto untrusting = cfg;
        untrusting.ca_file = relay.ca_file();
        try {
            tunnel::SessionClient(untrusting).create("no trust");
            FAIL("a forged certificate was accepted");
        } catch (const session::CarrierError& e) {
            CHECK(contains(e.what(), "certificate"));
            CHECK(contains(e.what(), "--ca"));
        }
    }
}

// A TLS-inspecting proxy holds the TLS connection the relay would: when it
// cannot reach the relay it answers with its own error page (HTML, 503),
// which must not be reported as the relay's refusal (issue 17).
TEST_CASE("a TLS-inspecting proxy's own error page is named as the proxy's", "[bump_error_page]") {
    TempDir dir("tether-bump-ca");
    auto [ca_cert, ca_key] = make_ca(dir);
    SquidOptions so;
    so.bump_ca_cert = ca_cert;
    so.bump_ca_key = ca_key;
    so.hosts = {{"relay.tether.test", "127.0.0.1"}};
    Squid squid(so);
    int dead = free_port();  // no relay listens there
    auto cfg = config("https://relay.tether.test:" + std::to_string(dead) + "/", ca_cert);
    cfg.proxy_url = squid.url();
    try {
        tunnel::SessionClient(cfg).create("bumped");
        FAIL("a session was created without a relay");
    } catch (const std::exception& e) {
        CHECK(std::string(e.what()) ==
              "the answer 503 came from the proxy " + squid.host_port() + ", not from the relay relay.tether.test:" +
                  std::to_string(dead) + " (the proxy inspects TLS; Server: squid/5.7): the proxy cannot reach "
                  "the relay or refuses to; check that the relay runs, or ask the proxy's admin to let Tether "
                  "through to it");
    }
}
