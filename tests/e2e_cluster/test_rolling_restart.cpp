// A rolling restart of all three nodes, one at a time (SIGTERM: a drain,
// then a start on the same ports), under 20 live sessions with traffic
// both ways (issue 18): all 20 survive and every byte arrives exactly once
// (SHA-256 per side), with no new session created.
#include <catch2/catch.hpp>

#include <cstdio>
#include <regex>
#include <set>

#include "cluster_fixture.h"
#include "support/sha256.h"

using namespace std::chrono_literals;
using cluster_e2e::kMiB;

TEST_CASE("rolling restart of the three nodes under 20 sessions with traffic", "[rolling_restart]") {
    cluster_e2e::Stack s;
    test_support::TempDir dir;
    constexpr int kSessions = 20;
    const std::uint64_t size = 2 * kMiB;  // per side
    // Each side feeds 16 KiB every 100 ms (2 MiB: about 13 s), so bytes
    // cross during every drain and restart; it holds at 1.75 MiB until the
    // last node is back, so the transfer cannot end before.
    const std::vector<std::uint64_t> marks = {7 * kMiB / 4};
    cluster_e2e::Gate gate;
    std::vector<std::unique_ptr<cluster_e2e::Pair>> pairs;
    cluster_e2e::OpenOnExit open_on_exit{gate};  // after `pairs`: destroyed before them
    for (int i = 0; i < kSessions; ++i)
        pairs.push_back(cluster_e2e::paced_pair(s, dir, i, size, 100, marks, gate, 16 * 1024, 100ms));
    std::string failures;
    for (auto& p : pairs) {
        try {
            p->client->wait_for_line(e2e::Process::Stream::err, "^TETHER_AUTH=", 60s);
        } catch (const std::exception& e) {
            failures += p->name + " never paired: " + e.what() + "\n";
        }
    }
    INFO(failures << "\n" << s.diagnostics());
    REQUIRE(failures.empty());

    for (std::size_t n = 0; n < s.cluster.size(); ++n) {
        auto t0 = std::chrono::steady_clock::now();
        int code = -1;
        try {
            code = s.cluster.terminate(n, 60s);  // drains: hands its sessions over
            s.cluster.start(n);
        } catch (const std::exception& e) {
            failures += "node" + std::to_string(n) + ": " + e.what() + "\n";
        }
        if (code != 0) failures += "node" + std::to_string(n) + " exited " + std::to_string(code) + " on SIGTERM\n";
        if (!s.haproxy.wait_for_backend(n, true, 30s)) failures += "node" + std::to_string(n) + " never back UP\n";
        std::printf("e2e.cluster.rolling_restart: node%zu drained and back in %.1f s\n", n,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    gate.open(1);
    for (auto& p : pairs) {
        std::string why;
        if (!p->finish(180s, why)) failures += why + "\n";
        else if (!p->intact()) failures += p->name + ": SHA-256 differs\n";
    }
    INFO(failures << "\n" << s.diagnostics());
    CHECK(failures.empty());
    CHECK(cluster_e2e::count_matches(s.cluster.logs(), "created, waiting for the client") == kSessions);
    // Every node was restarted, so every session moved at least once.
    const std::string all = s.cluster.logs();
    std::set<std::string> adopted;
    const std::regex re("session ([0-9a-f]{8}): adopted from another node");
    for (std::sregex_iterator it(all.begin(), all.end(), re), end; it != end; ++it) adopted.insert((*it)[1]);
    CHECK(adopted.size() == kSessions);
    for (auto& p : pairs) {
        CHECK(cluster_e2e::count_matches(p->desk.proc->err(), "TETHER_CODE=") == 1);
        CHECK(cluster_e2e::count_matches(p->desk.proc->err(), "(^|\n)TETHER_AUTH=") == 1);
        CHECK(cluster_e2e::count_matches(p->client->err(), "(^|\n)TETHER_AUTH=") == 1);
    }
}
