// probe_relay(): one libcurl CONNECT_ONLY handshake, classified into steps,
// then the session API and a stream-mode ping/pong.
#include "tunnel/http_probe.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "http_easy.h"
#include "tunnel/carrier_stream.h"
#include "tunnel/session_client.h"

namespace tunnel {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRoundTrips = 3;  // a few samples: the first may include a slow start

struct Prober {
    const EndpointConfig& cfg;
    const std::function<void(const ProbeStep&)>& on_step;
    ProbeReport report;

    bool step(std::string name, bool ok, std::string detail, std::string advice = "") {
        report.steps.push_back({std::move(name), ok, std::move(detail), ok ? "" : std::move(advice)});
        if (on_step) on_step(report.steps.back());
        return ok;
    }
};

std::string certificate_summary(CURL* h) {
    curl_certinfo* ci = nullptr;
    if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci || ci->num_of_certs < 1) return "";
    std::string subject, issuer;
    for (curl_slist* s = ci->certinfo[0]; s; s = s->next) {
        std::string f = s->data;
        if (f.rfind("Subject:", 0) == 0) subject = f.substr(8);
        if (f.rfind("Issuer:", 0) == 0) issuer = f.substr(7);
    }
    return "certificate " + subject + ", issued by " + issuer + ", verified for the host name";
}

std::string proxy_line(const EndpointConfig& cfg) {
    if (cfg.proxy_url.empty()) return "none: DIRECT to " + relay_host_port(cfg);
    std::string auth = cfg.proxy_user.empty() ? "no credentials" : "user " + cfg.proxy_user;
    return proxy_host_port(cfg) + " (" + auth + ", schemes " + cfg.proxy_auth + ")";
}

// What to check when the proxy's answer to CONNECT (0: none) was not 200.
std::string connect_advice(long code) {
    if (code == 407) return "proxy_user, proxy_password and proxy_auth (--proxy-user, --proxy-password, --proxy-auth)";
    if (code == 0) return "the proxy accepted the connection but did not answer CONNECT: is it overloaded, "
                          "or is this address a proxy at all?";
    return "the proxy's rules for CONNECT to this host and port (ask its admin)";
}

// TCP, CONNECT, TLS: one handshake, reported as up to three steps.
bool handshake(Prober& p) {
    const EndpointConfig& cfg = p.cfg;
    http::Easy e(cfg, "/");
    curl_easy_setopt(e.get(), CURLOPT_CONNECT_ONLY, 1L);
    curl_easy_setopt(e.get(), CURLOPT_CERTINFO, 1L);
    CURLcode rc = curl_easy_perform(e.get());
    bool proxied = !cfg.proxy_url.empty();
    std::string target = proxied ? "proxy " + proxy_host_port(cfg) : "relay " + relay_host_port(cfg);
    // A timeout after TCP connected, waiting for the answer to CONNECT: no
    // getinfo of curl 7.88 tells it apart from a TCP timeout, its error
    // text does ("Proxy CONNECT aborted due to timeout").
    bool connect_timed_out = rc == CURLE_OPERATION_TIMEDOUT && std::strstr(e.error_text(), "CONNECT") != nullptr;
    bool tcp_failed = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_PROXY ||
                      rc == CURLE_COULDNT_RESOLVE_HOST || (rc == CURLE_OPERATION_TIMEDOUT && !connect_timed_out);
    if (tcp_failed)
        return p.step("TCP to the " + target, false, http::describe_failure(e, rc, cfg).what(),
                      proxied ? "is the proxy address right, and is it running? (--proxy)"
                              : "is the relay URL right, and is a firewall or proxy required? (--relay, --proxy)");
    p.step("TCP to the " + target, true, "connected");
    if (proxied) {
        long code = e.connect_code();
        std::string name = "CONNECT " + relay_host_port(cfg) + " through the proxy";
        if (code != 200)
            return p.step(name, false, http::describe_failure(e, rc, cfg).what(),
                          connect_advice(code));
        p.step(name, true, "the proxy answered 200");
    }
    if (rc != CURLE_OK)
        return p.step("TLS with the relay", false, http::describe_failure(e, rc, cfg).what(),
                      "the relay's certificate: --ca FILE for a private CA, or a TLS-inspecting proxy's CA");
    return p.step("TLS with the relay", true, certificate_summary(e.get()));
}

bool health(Prober& p) {
    try {
        auto r = http::perform(p.cfg, "GET", "/healthz");
        return p.step("relay answers /healthz", r.status == 200, "HTTP " + std::to_string(r.status),
                      "is this URL a tether-relay? (--relay)");
    } catch (const std::exception& e) {
        return p.step("relay answers /healthz", false, e.what(), "the relay's logs");
    }
}

// Pings through a fresh carrier until kRoundTrips pongs came back.
std::string round_trips(session::Carrier& c, std::chrono::milliseconds budget) {
    std::vector<double> ms;
    auto deadline = Clock::now() + budget;
    for (std::uint64_t stamp = 1; ms.size() < kRoundTrips && Clock::now() < deadline; ++stamp) {
        std::string f;
        wire::append_u64_frame(f, wire::FrameType::ping, stamp);
        auto sent = Clock::now();
        c.send(f);
        wire::Frame in;
        while (Clock::now() < deadline && c.receive(in, std::chrono::milliseconds(200))) {
            if (in.type == wire::FrameType::pong && wire::payload_u64(in) == stamp) {
                ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
                break;
            }
        }
    }
    if (ms.size() < kRoundTrips) throw session::CarrierError("no pong came back in time");
    char line[96];
    std::snprintf(line, sizeof line, "ping/pong round trip %.1f ms (best of %d)",
                  *std::min_element(ms.begin(), ms.end()), kRoundTrips);
    return line;
}

bool stream(Prober& p) {
    SessionClient api(p.cfg);
    CreatedSession s;
    try {
        s = api.create("tether-tunnel probe");
    } catch (const std::exception& e) {
        return p.step("session API (create)", false, e.what(), "the relay's logs");
    }
    p.step("session API (create)", true, "a throwaway session was created");
    bool ok;
    try {
        auto c = connect_stream_carrier(p.cfg, s.token);
        ok = p.step("stream mode (chunked GET + POST)", true, c->describe());
        ok = p.step("stream round trip", true, round_trips(*c, 5 * p.cfg.heartbeat));
    } catch (const std::exception& e) {
        ok = p.step("stream mode (chunked GET + POST)", false, e.what(),
                    "a proxy that buffers or scans streamed bodies breaks stream mode");
    }
    try { api.end(s.token); } catch (const std::exception&) {}
    return ok;
}

}  // namespace

bool ProbeReport::ok() const {
    return std::all_of(steps.begin(), steps.end(), [](const ProbeStep& s) { return s.ok; });
}

ProbeReport probe_relay(const EndpointConfig& cfg, const std::function<void(const ProbeStep&)>& on_step) {
    Prober p{cfg, on_step, {}};
    p.step("proxy", true, proxy_line(cfg));
    try {
        http::check_plain_http_allowed(cfg);
    } catch (const std::exception& e) {
        p.step("relay URL", false, e.what());
        return p.report;
    }
    (void)(handshake(p) && health(p) && stream(p));
    return p.report;
}

}  // namespace tunnel
