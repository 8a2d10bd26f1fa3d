// Volume and resilience: 100 MiB each way, and a transfer that survives the
// proxy being restarted (every connection cut) twice in the middle.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "support/sha256.h"
#include "tunnel_fixture.h"

using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

std::uint64_t file_size(const std::string& path) {
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// Waits until `path` holds at least `bytes` (its writer is another process:
// nothing to wait on but the file itself).
bool wait_for_size(const std::string& path, std::uint64_t bytes, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (file_size(path) < bytes) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

// Feeds `path` into the process's stdin pipe, then closes it.
std::thread feed(e2e::Process& p, const std::string& path) {
    return std::thread([&p, path] {
        std::ifstream in(path, std::ios::binary);
        std::string buf(256 * 1024, '\0');
        try {
            while (in.read(&buf[0], static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
                p.write_stdin(buf.substr(0, static_cast<std::size_t>(in.gcount())));
        } catch (const std::exception&) {
            // the process died: the test's checks say so
        }
        p.close_stdin();
    });
}

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

    // stdin pipes: the transfer cannot finish before we let it.
    e2e::Opened desk = e2e::start_open(route, "", dir.file("desk.out"));
    auto client = e2e::start_join(route, desk.code, "", dir.file("client.out"));
    std::thread desk_feed = feed(*desk.proc, dir.file("desk.in"));
    std::thread client_feed = feed(*client, dir.file("client.in"));

    for (std::uint64_t mark : {8 * kMiB, 24 * kMiB}) {
        REQUIRE(wait_for_size(dir.file("client.out"), mark, 60s));
        squid.restart();  // every tunnel through it is cut at once
    }
    desk_feed.join();
    client_feed.join();
    int client_rc = client->wait(60s), desk_rc = desk.proc->wait(60s);
    INFO("desk:\n" << desk.proc->err() << "\nclient:\n" << client->err());
    CHECK(client_rc == 0);
    CHECK(desk_rc == 0);
    // Both sides needed new carriers (the stats line of -v says how many).
    for (e2e::Process* p : {desk.proc.get(), client.get()}) {
        auto m = p->wait_for_line(e2e::Process::Stream::err, "stats: carriers=([0-9]+)", 1s);
        CHECK(std::stoi(m.at(1)) > 1);
    }
    CHECK(test_support::sha256_file(dir.file("client.out")) == test_support::sha256_file(dir.file("desk.in")));
    CHECK(test_support::sha256_file(dir.file("desk.out")) == test_support::sha256_file(dir.file("client.in")));
}
