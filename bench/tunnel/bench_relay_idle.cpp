// bench_relay_idle: what N idle paired sessions cost tether-relay. Opens N
// sessions (create + join), connects a stream-mode carrier for each side
// (2 long-lived HTTPS requests each, so 4N connections), lets them idle for
// a few heartbeats, then reads the relay's RSS and thread count from /proc
// and checks that a frame still crosses the last pair.
//
//   bench_relay_idle [--sessions N (500)]
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "support/relay_fixture.h"
#include "tunnel/carrier_stream.h"
#include "tunnel/session_client.h"

namespace {

using namespace std::chrono_literals;

struct ProcStatus {
    long rss_kib = 0;
    long threads = 0;
};

ProcStatus proc_status(int pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    ProcStatus s;
    std::string key;
    while (f >> key) {
        if (key == "VmRSS:") f >> s.rss_kib;
        else if (key == "Threads:") f >> s.threads;
        f.ignore(1 << 16, '\n');
    }
    return s;
}

struct Pair {
    std::unique_ptr<session::Carrier> desk, client;
};

Pair open_pair(const tunnel::EndpointConfig& cfg) {
    tunnel::SessionClient api(cfg);
    auto created = api.create("bench");
    auto joined = api.join(created.code);
    return {tunnel::connect_stream_carrier(cfg, created.token),
            tunnel::connect_stream_carrier(cfg, joined.token)};
}

// A data frame from the desk must come out at the client.
bool frame_crosses(Pair& p) {
    std::string f;
    wire::append_data(f, 0, "probe", 5);
    p.desk->send(f);
    wire::Frame in;
    for (int i = 0; i < 50; ++i)
        if (p.client->receive(in, 200ms) && in.type == wire::FrameType::data) return true;
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    int sessions = 500;
    if (argc == 3 && !std::strcmp(argv[1], "--sessions")) sessions = std::atoi(argv[2]);
    try {
        test_support::Relay relay({{"--join-failures-per-ip", "0", "--join-failures-per-prefix", "0", "--create-rate-per-ip", "0"}});
        tunnel::EndpointConfig cfg;
        cfg.relay_url = relay.url();
        cfg.ca_file = relay.ca_file();
        ProcStatus before = proc_status(relay.process().pid());
        std::vector<Pair> pairs;
        for (int i = 0; i < sessions; ++i) pairs.push_back(open_pair(cfg));
        std::this_thread::sleep_for(3 * cfg.heartbeat);  // idle, heartbeats flowing
        ProcStatus after = proc_status(relay.process().pid());
        bool ok = frame_crosses(pairs.back());
        std::printf("tether-relay with %d idle paired sessions (%d stream connections)\n", sessions, 4 * sessions);
        std::printf("  RSS     %7.1f MiB (before %.1f MiB): %.1f KiB per session\n", after.rss_kib / 1024.0,
                    before.rss_kib / 1024.0, double(after.rss_kib - before.rss_kib) / sessions);
        std::printf("  threads %7ld (before %ld)\n", after.threads, before.threads);
        std::printf("  a frame crosses the last pair: %s\n", ok ? "yes" : "NO");
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_relay_idle: %s\n", e.what());
        return 1;
    }
}
