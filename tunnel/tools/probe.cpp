// probe: the admin's step-by-step reachability report: which way out
// (proxydetect), then each step to the relay over it, then which carrier
// modes work through this path and their round trips.
#include <iostream>

#include "commands.h"
#include "tunnel/http_probe.h"
#include "tunnel/session_client.h"
#include "tunnel/transport.h"

namespace tether_tunnel {
namespace {

// A mode works when a ping through it comes back within this time (ms): the
// same bound the automatic choice uses, plus slack for a slow first request.
constexpr std::chrono::milliseconds kEchoTimeout{5000};

void print_step(const tunnel::ProbeStep& s) {
    std::cout << (s.ok ? "  OK    " : "  FAIL  ") << s.name << ": " << s.detail << "\n";
    if (!s.ok && !s.advice.empty()) std::cout << "        check: " << s.advice << "\n";
    std::cout.flush();
}

// One mode's echo, as a step line; true when it works.
bool probe_mode(const char* mode, const std::function<std::chrono::microseconds()>& echo) {
    tunnel::ProbeStep s{std::string(mode) + " mode", false, "", ""};
    try {
        auto rtt = echo();
        s.ok = true;
        s.detail = "works, round trip " + std::to_string(rtt.count() / 1000.0).substr(0, 5) + " ms";
    } catch (const std::exception& e) {
        s.detail = e.what();
        s.advice = std::string(mode) == "stream"
            ? "a proxy or reverse proxy buffers streamed bodies; poll mode is used then"
            : "bounded requests do not get through either: see the steps above";
    }
    print_step(s);
    return s.ok;
}

// Both carrier modes on a throwaway session (ended afterwards).
bool probe_modes(const tunnel::EndpointConfig& cfg) {
    tunnel::SessionClient api(cfg);
    tunnel::CreatedSession s = api.create("tether-tunnel probe");
    bool stream = !tunnel::is_plain_http(cfg.relay_url) &&
                  probe_mode("stream", [&] { return tunnel::probe_stream_echo(cfg, s.token, kEchoTimeout); });
    bool poll = probe_mode("poll", [&] { return tunnel::probe_poll_echo(cfg, s.token, kEchoTimeout); });
    try { api.end(s.token); } catch (const std::exception&) {}
    std::cout << "  =>    sessions will use " << (stream ? "stream mode" : poll ? "poll mode" : "nothing")
              << " through this path\n";
    return stream || poll;
}

// One way out, as open and join would try it: its steps, then the modes.
bool probe_route(const tunnel::Route& route) {
    print_step({"way out", true, route.why, ""});
    if (!tunnel::probe_relay(route.cfg, print_step).ok()) return false;
    try {
        return probe_modes(route.cfg);
    } catch (const std::exception& e) {
        print_step({"carrier modes", false, e.what(), "the relay's logs"});
        return false;
    }
}

}  // namespace

int run_probe(const Options& o) {
    std::cout << "tether-tunnel probe: " << o.endpoint.base.relay_url << "\n";
    tunnel::Egress egress;
    try {
        egress = tunnel::prepare_egress(o.endpoint);
    } catch (const std::exception& e) {
        print_step({"way out", false, e.what(), "fix proxy.conf or the options (tether-proxydetect explain URL)"});
        return 4;
    }
    if (!egress.plan.blocked.empty() || egress.plan.routes.empty()) {
        print_step({"way out", false, egress.plan.blocked, "tether-proxydetect explain " + o.endpoint.base.relay_url});
        return 4;
    }
    bool ok = false;
    for (std::size_t i = 0; i < egress.plan.routes.size() && !ok; ++i) {
        if (i > 0) std::cout << "  ..    next way out\n";
        ok = probe_route(egress.plan.routes[i]);
    }
    std::cout << (ok ? "result: the relay is reachable\n" : "result: NOT reachable (see FAIL above)\n");
    return ok ? 0 : 4;
}

}  // namespace tether_tunnel
