// winnet_e2e.exe: the Windows transport against a real relay, driven by the
// Linux test e2e_winnet (test_winnet.cpp) under wine. Both sides of one
// session run in this process, each over its own winnet carriers, so that
// what crosses the relay can be checked byte for byte:
//   frames   create + join, one carrier per side; ping -> pong; data frames
//            desk -> client and client -> desk, exact bytes
//   session  create + join, a SessionStream per side over winnet carrier
//            factories (--mode stream|poll|auto: auto is the shared
//            transport choice); --bytes N of a pattern each way, checked
//   probe    a stream-mode probe (?probe=1) beside the session: its ping
//            echoes, the session's frames stay away from it
//   create   create a session only (the error cases)
// --detect: the relay is reached the way tether-client.exe reaches it:
// proxydetect (the Internet Options, WPAD, PAC, --proxy-conf FILE, the
// environment) plans the routes (winnet/routes.h) and the first that
// creates the session is used; "OK route <n>: <why>" names it.
// Output: one "OK ..." line per check; on failure "error: <sentence>" on
// stderr and exit code 3.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <thread>

#include "proxydetect/detector.h"
#include "session/session_stream.h"
#include "winnet/carriers.h"
#include "winnet/routes.h"
#include "winnet/session_client.h"
#include "wire/frame.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Options {
    winnet::Config cfg;
    std::string mode = "stream", scenario = "frames";
    std::size_t bytes = 1 << 20;
    bool detect = false;
    std::string proxy_conf;
};

Options parse(int argc, char** argv) {
    Options o;
    std::map<std::string, std::string*> strings = {
        {"--relay", &o.cfg.relay_url}, {"--ca", &o.cfg.ca_file}, {"--proxy", &o.cfg.proxy_url},
        {"--proxy-user", &o.cfg.proxy_user}, {"--proxy-password", &o.cfg.proxy_password},
        {"--proxy-auth", &o.cfg.proxy_auth}, {"--mode", &o.mode}, {"--scenario", &o.scenario},
        {"--proxy-conf", &o.proxy_conf}};
    for (int i = 1; i < argc; i += 2) {
        std::string k = argv[i];
        if (k == "--detect") { o.detect = true; --i; continue; }
        if (i + 1 == argc) throw std::invalid_argument(k + " needs a value");
        std::string v = argv[i + 1];
        if (strings.count(k)) *strings[k] = v;
        else if (k == "--bytes") o.bytes = std::stoul(v);
        else if (k == "--heartbeat-ms") o.cfg.heartbeat = std::chrono::milliseconds(std::stol(v));
        else throw std::invalid_argument("unknown option " + k);
    }
    return o;
}

std::unique_ptr<session::Carrier> carrier(const Options& o, const std::string& token) {
    return o.mode == "poll" ? winnet::connect_poll_carrier(o.cfg, token) : winnet::connect_stream_carrier(o.cfg, token);
}

// --mode auto: the shared transport choice (session/transport.h) over the
// Windows carriers; each decision printed as "TRANSPORT <who>: <line>".
session::CarrierFactory factory(const Options& o, const std::string& token, const std::string& who) {
    if (o.mode == "auto") {
        session::TransportPolicy policy;
        return winnet::transport_factory(o.cfg, token, policy, [who](const std::string& line) {
            std::cout << "TRANSPORT " << who << ": " << line << std::endl;
        });
    }
    return o.mode == "poll" ? winnet::poll_carrier_factory(o.cfg, token) : winnet::stream_carrier_factory(o.cfg, token);
}

// The first frame `want` accepts within `limit`; others are skipped.
wire::Frame await(session::Carrier& c, const std::function<bool(const wire::Frame&)>& want, const char* what) {
    auto deadline = Clock::now() + 10s;
    wire::Frame f;
    while (Clock::now() < deadline)
        if (c.receive(f, 100ms) && want(f)) return f;
    throw std::runtime_error(std::string("timed out waiting for ") + what);
}

std::string pattern(std::size_t n, unsigned seed) {
    std::string s(n, '\0');
    std::uint32_t x = seed * 2654435761u + 1;
    for (auto& c : s) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        c = static_cast<char>(x);
    }
    return s;
}

void data_one_way(session::Carrier& from, session::Carrier& to, const std::string& payload, const char* name) {
    std::string frames;
    wire::append_data(frames, 0, payload.data(), payload.size());
    from.send(frames);
    wire::Frame f = await(to, [](const wire::Frame& f) { return f.type == wire::FrameType::data; }, name);
    std::string got(wire::data_bytes(f), wire::data_size(f));
    if (wire::payload_u64(f) != 0 || got != payload) throw std::runtime_error(std::string(name) + ": bytes differ");
    std::cout << "OK data " << name << " " << payload.size() << " bytes exact" << std::endl;
}

void frames(const Options& o, const winnet::CreatedSession& desk, const winnet::JoinedSession& client) {
    auto a = carrier(o, desk.token);
    std::cout << "OK carrier desk: " << a->describe() << std::endl;
    auto b = carrier(o, client.token);
    std::cout << "OK carrier client: " << b->describe() << std::endl;
    std::string ping;
    wire::append_u64_frame(ping, wire::FrameType::ping, 4242);
    auto t0 = Clock::now();
    a->send(ping);
    await(*a, [](const wire::Frame& f) { return f.type == wire::FrameType::pong && wire::payload_u64(f) == 4242; },
          "the pong");
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
    std::cout << "OK pong 4242 after " << us << " us" << std::endl;
    // Each pong must come when it arrives, not with the next frame (WinHTTP
    // under wine hands a chunk up one chunk late: the next relay heartbeat).
    long long worst = 0;
    for (std::uint64_t stamp = 1; stamp <= 20; ++stamp) {
        std::string p;
        wire::append_u64_frame(p, wire::FrameType::ping, stamp);
        auto t = Clock::now();
        a->send(p);
        await(*a, [&](const wire::Frame& f) { return f.type == wire::FrameType::pong && wire::payload_u64(f) == stamp; },
              "a pong");
        worst = std::max<long long>(worst, std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count());
        std::this_thread::sleep_for(20ms);
    }
    std::cout << "OK 20 pongs, slowest after " << worst << " us" << std::endl;
    data_one_way(*a, *b, "hello from the desk\r\n0\r\n\r\n" + pattern(70000, 1), "desk->client");
    data_one_way(*b, *a, pattern(3, 2) + "hello from the client", "client->desk");
    a->close();
    b->close();
}

// A stream-mode probe of the desk beside the client's carrier: its ping
// echoes, and the client's data is not delivered to it.
void probe(const Options& o, const winnet::CreatedSession& desk, const winnet::JoinedSession& client) {
    auto b = carrier(o, client.token);
    auto p = winnet::connect_stream_probe(o.cfg, desk.token);
    std::cout << "OK probe: " << p->describe() << std::endl;
    std::string ping;
    wire::append_u64_frame(ping, wire::FrameType::ping, 77);
    p->send(ping);
    await(*p, [](const wire::Frame& f) { return f.type == wire::FrameType::pong && wire::payload_u64(f) == 77; },
          "the probe's pong");
    std::cout << "OK probe pong 77" << std::endl;
    std::string data;
    wire::append_data(data, 0, "not for the probe", 17);
    b->send(data);
    auto until = Clock::now() + 1500ms;
    wire::Frame f;
    while (Clock::now() < until)
        if (p->receive(f, 100ms) && f.type == wire::FrameType::data)
            throw std::runtime_error("the probe received the session's data");
    std::cout << "OK probe took no session frames" << std::endl;
    p->close();
    b->close();
}

void stream(const Options& o, const winnet::CreatedSession& desk, const winnet::JoinedSession& client) {
    session::SessionOptions so;
    so.heartbeat = o.cfg.heartbeat;
    session::SessionStream a(factory(o, desk.token, "desk"), so), b(factory(o, client.token, "client"), so);
    std::string to_client = pattern(o.bytes, 3), to_desk = pattern(o.bytes, 4);
    auto t0 = Clock::now();
    std::thread wa([&] { a.write(to_client.data(), to_client.size()); a.shutdown_write(); });
    std::thread wb([&] { b.write(to_desk.data(), to_desk.size()); b.shutdown_write(); });
    auto read_all = [](session::SessionStream& s) {
        std::string out;
        char buf[65536];
        for (std::size_t n; (n = s.read(buf, sizeof buf)) > 0;) out.append(buf, n);
        return out;
    };
    std::string got_client, got_desk;
    std::thread rb([&] { got_client = read_all(b); });
    got_desk = read_all(a);
    rb.join();
    wa.join();
    wb.join();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    if (got_client != to_client) throw std::runtime_error("session: desk->client bytes differ");
    if (got_desk != to_desk) throw std::runtime_error("session: client->desk bytes differ");
    a.drain(5s);
    b.drain(5s);
    std::cout << "OK session " << o.bytes << " bytes each way exact in " << ms << " ms" << std::endl;
    std::cout << "OK desk via " << a.status().detail << std::endl;
    a.close();
    b.close();
}

}  // namespace

// The first planned route that creates the session; o.cfg becomes its
// settings, so that everything after goes the same way.
winnet::CreatedSession create_via_routes(Options& o) {
    auto pc = o.proxy_conf.empty() ? proxydetect::Config{} : proxydetect::load_config_file(o.proxy_conf);
    auto det = proxydetect::Detector::from_system(pc);
    winnet::RoutePlan plan = winnet::plan_routes(*det, o.cfg);
    for (std::size_t i = 0; i < plan.routes.size(); ++i)
        std::cout << "ROUTE " << i + 1 << ": " << plan.routes[i].why << std::endl;
    auto [desk, chosen] = session::first_working_route<std::pair<winnet::CreatedSession, winnet::ProxyRoute>>(
        *det, plan, [](const winnet::ProxyRoute& r) {
            return std::make_pair(winnet::SessionClient(r.cfg).create("winnet e2e"), r);
        });
    std::cout << "OK route: " << chosen.why << std::endl;
    o.cfg = chosen.cfg;
    return desk;
}

int main(int argc, char** argv) {
    try {
        Options o = parse(argc, argv);
        auto desk = o.detect ? create_via_routes(o) : winnet::SessionClient(o.cfg).create("winnet e2e");
        winnet::SessionClient api(o.cfg);
        std::cout << "OK created (code of " << desk.code.size() << " digits)" << std::endl;
        if (o.scenario == "create") return 0;
        auto client = api.join(desk.code);
        std::cout << "OK joined" << std::endl;
        if (o.scenario == "frames") frames(o, desk, client);
        else if (o.scenario == "session") stream(o, desk, client);
        else if (o.scenario == "probe") probe(o, desk, client);
        else throw std::invalid_argument("unknown scenario " + o.scenario);
        api.end(desk.token);
        std::cout << "OK ended" << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << std::endl;
        return 3;
    }
}
