// Volume and resilience: 100 MiB each way, and a transfer that survives the
// proxy being restarted (every connection cut) twice in the middle.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "support/file_growth.h"
#include "support/sha256.h"
#include "tunnel_fixture.h"

using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

using e2e::Gate;
using e2e::feed;
using test_support::wait_for_size;

}  // namespace

TEST_CASE("100 MiB each way through squid, SHA-256 identical", "[bulk_100mib]") {
    test_support::TempDir dir;
    test_support::Squid squid;
    test_support::Relay relay;
    test_support::write_random_file(dir.file("desk.in"), 100 * kMiB, 1);
    test_support::write_random_file(dir.file("client.in"), 100 * kMiB, 2);

    e2e::transfer(e2e::via(squid, relay), dir, dir.file("desk.in"), dir.file("client.in"), 75s);
    CHECK(test_support::sha256_file(dir.file("client.out")) == test_support::sha256_file(dir.file("desk.in")));
    CHECK(test_support::sha256_file(dir.file("desk.out")) == test_support::sha256_file(dir.file("client.in")));
}

TEST_CASE("connections cut mid-transfer: the session resumes without loss", "[resume]") {
    test_support::TempDir dir;
    test_support::Squid squid;
    test_support::Relay relay;
    const std::uint64_t size = 48 * kMiB;
    test_support::write_random_file(dir.file("desk.in"), size, 3);
    test_support::write_random_file(dir.file("client.in"), size, 4);
    e2e::Route route = e2e::via(squid, relay);
    route.heartbeat_ms = 500;  // find the dead connections quickly

    // stdin pipes fed in stages: 16 MiB, then 16 more after the first
    // crash, the rest after the second. Each crash comes once 4 MiB of the
    // stage arrived, so up to a window of bytes is in flight when it hits.
    e2e::Opened desk = e2e::start_open(route, "", dir.file("desk.out"));
    auto client = e2e::start_join(route, desk.code, "", dir.file("client.out"));
    Gate gate;
    std::thread desk_feed = feed(*desk.proc, dir.file("desk.in"), {16 * kMiB, 32 * kMiB}, gate);
    std::thread client_feed = feed(*client, dir.file("client.in"), {16 * kMiB, 32 * kMiB}, gate);

    std::vector<std::size_t> restarted_at;  // access.log size at each restart
    for (std::uint64_t mark : {4 * kMiB, 20 * kMiB}) {
        REQUIRE(wait_for_size(dir.file("client.out"), mark, 60s));
        squid.restart();  // SIGKILL: every tunnel through it is cut at once
        restarted_at.push_back(squid.access_log().size());
        gate.open(static_cast<int>(restarted_at.size()));
    }
    desk_feed.join();
    client_feed.join();
    int client_rc = client->wait(60s), desk_rc = desk.proc->wait(60s);
    INFO("desk:\n" << desk.proc->err() << "\nclient:\n" << client->err());
    CHECK(client_rc == 0);
    CHECK(desk_rc == 0);
    // Bytes fed after a crash can only have crossed new tunnels (the gate
    // held them back); the last squid logged those tunnels when they closed.
    const std::string tunnel = "TCP_TUNNEL/200 [0-9]+ CONNECT 127\\.0\\.0\\.1:" + std::to_string(relay.port());
    CHECK(squid.wait_for_log(tunnel, 10s, restarted_at.back()));
    CHECK(test_support::sha256_file(dir.file("client.out")) == test_support::sha256_file(dir.file("desk.in")));
    CHECK(test_support::sha256_file(dir.file("desk.out")) == test_support::sha256_file(dir.file("client.in")));
}
