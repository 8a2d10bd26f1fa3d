// The session record's relay, proxy and transport through a real
// tether-relay (issue 19, item 5): what the session really used, taken from
// the transport choice (session/transport.h), not from status words.
// tether-desk and tether-client run headless; one ctest entry per case:
//   record_stream:      straight to the relay: stream mode, no proxy
//   record_poll_squid:  through squid with poll mode pinned, the customer 3 s late
//   record_move:        through nginx (a reverse proxy) that starts buffering
//                       mid-session: the move to poll mode is a line of its own
#include <catch2/catch.hpp>

#include <dirent.h>
#include <signal.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "programs.h"
#include "support/nginx.h"
#include "support/relay_behind_squid.h"
#include "support/relay_fixture.h"
#include "support/temp_dir.h"

using namespace screentest;
using nlohmann::json;

namespace {

// The one record file in `dir`, one JSON object a line (none yet: empty).
std::vector<json> record_in(const std::string& dir) {
    std::vector<std::string> files;
    if (DIR* d = opendir(dir.c_str())) {
        while (dirent* e = readdir(d))
            if (e->d_name[0] != '.') files.push_back(dir + "/" + e->d_name);
        closedir(d);
    }
    REQUIRE(files.size() <= 1);
    std::vector<json> out;
    if (files.empty()) return out;
    std::istringstream in(test_support::read_file(files[0]));
    for (std::string line; std::getline(in, line);) {
        json j = json::parse(line, nullptr, false);  // a line being written now is not whole yet
        if (!j.is_discarded()) out.push_back(j);
    }
    return out;
}

std::vector<std::string> events(const std::vector<json>& record) {
    std::vector<std::string> out;
    for (const auto& j : record) out.push_back(j["event"]);
    return out;
}

std::vector<json> transport_moves(const std::vector<json>& record) {
    std::vector<json> out;
    for (const auto& j : record)
        if (j["event"] == "transport") out.push_back(j);
    return out;
}

// A headless desk and a headless customer over `route` (--relay, --ca, ...),
// the customer `late` after the code; the transport memory in the test's
// own folder (a remembered "poll" would skip the probe).
struct RecordedPair {
    RecordedPair(const std::string& display, const std::vector<std::string>& route, std::chrono::milliseconds late) {
        std::vector<std::string> env = {"XDG_CACHE_HOME=" + dir + "/cache"};
        std::vector<std::string> d = {desk_binary(), "--headless", "--status-file", ds, "--record-dir", records};
        d.insert(d.end(), route.begin(), route.end());
        desk = std::make_unique<Process>(d, env);
        REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }, 30s));
        std::this_thread::sleep_for(late);
        std::vector<std::string> c = {client_binary(), "--headless", "--display", display, "--code",
                                      read_status(ds)["code"], "--status-file", cs};
        c.insert(c.end(), route.begin(), route.end());
        client = std::make_unique<Process>(c, env);
        REQUIRE(wait_until([&] { return std::stoi("0" + read_status(ds)["frames"]) >= 1; }, 40s));
    }
    // The customer ends the session; the headless desk exits with it.
    void end() {
        ::kill(client->pid(), SIGTERM);
        CHECK(client->wait(20s) == 0);
        CHECK(desk->wait(20s) == 0);
    }

    std::string dir = temp_dir(), ds = dir + "/desk.status", cs = dir + "/client.status";
    std::string records = dir + "/records";
    std::unique_ptr<Process> desk, client;
};

// The customer's own record as her status file lists it.
std::string client_record(const std::string& cs) {
    auto st = read_status(cs);
    std::string all;
    for (int i = 1; i <= std::stoi("0" + st["record_count"]); ++i) all += st["record." + std::to_string(i)] + "\n";
    return all;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The record of a session that ended: it starts with `relay`, `proxy` and
// `transport`, and ends with the session's end.
void check_ends(const std::vector<json>& rec, const std::string& relay, const std::string& proxy,
                const std::string& transport) {
    REQUIRE(rec.size() >= 3);
    INFO(rec.front().dump());
    CHECK(rec.front()["event"] == "start");
    CHECK(rec.front()["relay"] == relay);
    CHECK(rec.front()["proxy"] == proxy);
    CHECK(rec.front()["transport"] == transport);
    CHECK(rec.back()["event"] == "end");
}

}  // namespace

TEST_CASE("straight to the relay: the record names the relay, no proxy, stream mode", "[record_stream]") {
    Xvfb x;
    paint(x.name(), make_pattern(640, 480, 2));
    test_support::Relay relay;
    RecordedPair p(x.name(), {"--relay", relay.url(), "--ca", relay.ca_file()}, 0ms);
    std::string client_lines = client_record(p.cs);
    p.end();

    auto rec = record_in(p.records);
    check_ends(rec, relay.url(), "", "stream");
    CHECK(contains(rec.front()["route"], "the relay 127.0.0.1:" + std::to_string(relay.port())));
    CHECK(transport_moves(rec).empty());
    CHECK(events(rec)[1] == "auth");
    INFO(client_lines);
    CHECK(contains(client_lines, ", stream mode\n"));
}

TEST_CASE("through squid in poll mode, the customer 3 s late: the record names the relay, the proxy and poll mode",
          "[record_poll_squid]") {
    Xvfb x;
    paint(x.name(), make_pattern(640, 480, 3));
    test_support::RelayBehindSquid net;
    auto route = net.route_args();
    route.insert(route.end(), {"--transport", "poll"});
    RecordedPair p(x.name(), route, 3s);
    std::string client_lines = client_record(p.cs);
    p.end();

    auto rec = record_in(p.records);
    check_ends(rec, net.relay_url(), net.squid.url(), "poll");
    CHECK(transport_moves(rec).empty());
    INFO(client_lines);
    CHECK(contains(client_lines, ", poll mode\n"));
    // The bytes went through squid (a CONNECT tunnel is logged when it closes).
    CHECK(net.squid.wait_for_log("CONNECT relay.tether.test", 10s));
}

namespace {

// A certificate nginx presents for 127.0.0.1 (the endpoints trust it with --ca).
std::pair<std::string, std::string> make_cert(const std::string& dir) {
    std::string cert = dir + "/nginx.pem", key = dir + "/nginx.key";
    REQUIRE(run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                 "subjectAltName=IP:127.0.0.1"}) == 0);
    return {cert, key};
}

}  // namespace

TEST_CASE("a path that starts buffering mid-session: the record says stream mode, then the move to poll mode",
          "[record_move]") {
    Xvfb x;
    paint(x.name(), make_pattern(640, 480, 5));
    test_support::Relay relay;
    auto [cert, key] = make_cert(temp_dir());
    test_support::NginxOptions no{relay.port(), cert, key, /*buffering=*/false};
    no.max_body = "0";  // no body limit: only the buffering restart breaks stream mode
    test_support::Nginx nginx(no);
    RecordedPair p(x.name(), {"--relay", nginx.url(), "--ca", cert}, 0ms);
    REQUIRE(!record_in(p.records).empty());
    CHECK(record_in(p.records).front()["transport"] == "stream");

    nginx.restart(/*buffering=*/true);  // every connection cut; streams no longer echo
    CHECK(wait_until([&] { return !transport_moves(record_in(p.records)).empty(); }, 60s));
    Painter(x.name()).fill(10, 10, 200, 100, 0x22AA44);  // the session goes on in poll mode
    std::this_thread::sleep_for(2s);
    std::string client_lines = client_record(p.cs);
    p.end();

    auto rec = record_in(p.records);
    check_ends(rec, nginx.url(), "", "stream");
    auto moves = transport_moves(rec);
    REQUIRE(moves.size() >= 1);
    CHECK(moves[0]["transport"] == "poll");
    CHECK(moves.back()["transport"] == "poll");  // nginx buffers to the end: no move back (and 60 s before a test)
    CHECK(rec.back()["reason"] == "the customer ended the session");  // not a broken session
    INFO(client_lines);
    CHECK(contains(client_lines, "The connection moved to poll mode\n"));
    CHECK(contains(nginx.access_log(), "/v1/poll/"));
}
