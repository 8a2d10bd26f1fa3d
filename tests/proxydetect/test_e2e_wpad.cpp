// End to end: a PAC file served over HTTP on 127.0.0.1 (ephemeral port),
// found through WPAD (search domain + resolver injected, never real DNS),
// evaluated in the real helper, selects the test's proxy; explain shows the
// chain. Then the same through the tether-proxydetect tool.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "proxydetect/config.h"
#include "proxydetect/detector.h"
#include "proxydetect/explain.h"
#include "proxydetect/fakes.h"
#include "proxydetect/system.h"

using namespace proxydetect;

namespace {

// An HTTP server on 127.0.0.1 that runs until destroyed and records the
// requests it answered.
class LoopbackServer {
public:
    explicit LoopbackServer(std::function<void(httplib::Server&)> routes) {
        routes(server_);
        server_.set_logger([this](const httplib::Request& req, const httplib::Response&) {
            std::lock_guard<std::mutex> lock(mu_);
            seen_.push_back(req.method + " " + req.path + " Host: " + req.get_header_value("Host"));
        });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
    }
    ~LoopbackServer() {
        server_.stop();
        thread_.join();
    }
    int port() const { return port_; }
    std::vector<std::string> seen() {
        std::lock_guard<std::mutex> lock(mu_);
        return seen_;
    }

private:
    httplib::Server server_;
    std::thread thread_;
    int port_ = 0;
    std::mutex mu_;
    std::vector<std::string> seen_;
};

// The PAC the "corporate network" serves: our proxy for the relay, DIRECT
// for the intranet. It alerts and resolves a name so that the trace has both.
std::string corporate_pac(int proxy_port) {
    return "function FindProxyForURL(url, host) {\n"
           "  alert('deciding for ' + host);\n"
           "  if (isInNet(dnsResolve('wpad.corp.test'), '127.0.0.0', '255.0.0.0') && dnsDomainIs(host, '.corp.test'))\n"
           "    return 'PROXY 127.0.0.1:" + std::to_string(proxy_port) + "; DIRECT';\n"
           "  return 'DIRECT';\n}\n";
}

struct Network {
    // The script wpad.dat serves; empty = corporate_pac(proxy port).
    std::string pac_override;
    // Stands for the corporate proxy: only its port matters here.
    LoopbackServer proxy{[](httplib::Server& s) {
        s.Get("/", [](const httplib::Request&, httplib::Response& r) { r.set_content("proxy", "text/plain"); });
    }};
    LoopbackServer wpad{[this](httplib::Server& s) {
        s.Get("/wpad.dat", [this](const httplib::Request&, httplib::Response& r) {
            r.set_content(pac_override.empty() ? corporate_pac(proxy.port()) : pac_override,
                          "application/x-ns-proxy-autoconfig");
        });
    }};
};

std::unique_ptr<Detector> detector_for(const Network& net, Config config, PacLimits limits = {}) {
    World w;
    w.env = std::make_unique<fake::Environment>();
    w.files = std::make_unique<fake::FileSystem>();
    auto dns = std::make_unique<fake::Resolver>();
    dns->names["wpad.corp.test"] = {"127.0.0.1"};
    w.http = make_system_http(*dns);  // the real HTTP client, resolving through the fake
    w.dns = std::move(dns);
    w.commands = std::make_unique<fake::CommandRunner>();
    auto info = std::make_unique<fake::NetworkInfo>();
    info->domains = {"corp.test"};
    info->addresses = {"10.20.30.40"};
    w.net = std::move(info);
    w.clock = std::make_unique<fake::Clock>();
    w.desktop = std::make_unique<fake::SystemProxySource>();  // mode unavailable
    w.pac = make_helper_evaluator(PAC_EVAL_PATH, limits);
    DetectorOptions o;
    o.wpad_port = static_cast<uint16_t>(net.wpad.port());
    return std::make_unique<Detector>(std::move(config), std::move(w), o);
}

std::string run_tool(const std::string& args, int* status) {
    std::string cmd = std::string(PROXYDETECT_TOOL_PATH) + " " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    *status = pclose(p);
    return out;
}

}  // namespace

TEST_CASE("WPAD end to end: the served PAC selects the test proxy", "[e2e_wpad]") {
    Network net;
    auto det = detector_for(net, Config{});
    Decision d = det->resolve("https://relay.corp.test/session");
    REQUIRE(d.candidates.size() == 2);
    CHECK(d.candidates[0].curl_proxy_url() == "http://127.0.0.1:" + std::to_string(net.proxy.port()));
    CHECK(d.candidates[1].is_direct());
    // What crossed the wire: one GET of wpad.dat, addressed to the WPAD name.
    CHECK(net.wpad.seen() ==
          std::vector<std::string>{"GET /wpad.dat Host: wpad.corp.test:" + std::to_string(net.wpad.port())});

    std::string text = explain_text(d);
    INFO(text);
    CHECK(text.find("[WPAD] note: wpad.corp.test resolves to 127.0.0.1") != std::string::npos);
    CHECK(text.find("PAC evaluation: WPAD http://wpad.corp.test:") != std::string::npos);
    CHECK(text.find("alert: deciding for relay.corp.test") != std::string::npos);
    CHECK(text.find("dns: wpad.corp.test -> 127.0.0.1") != std::string::npos);
    CHECK(text.find("1. PROXY 127.0.0.1:" + std::to_string(net.proxy.port())) != std::string::npos);

    // Outside the corporate domain the same PAC says DIRECT.
    CHECK(det->resolve("https://example.org/").candidates.at(0).is_direct());
}

TEST_CASE("WPAD end to end: failover to DIRECT after the proxy fails", "[e2e_wpad]") {
    Network net;
    auto det = detector_for(net, Config{});
    Decision d = det->resolve("https://relay.corp.test/");
    det->mark_failed(d.candidates.at(0));
    Decision again = det->resolve("https://relay.corp.test/");
    CHECK(again.candidates.at(0).is_direct());
    CHECK(again.candidates.at(1) == d.candidates.at(0));
}

TEST_CASE("WPAD end to end: tether-proxydetect explain shows the chain", "[e2e_wpad]") {
    Network net;
    std::string common = "https://relay.corp.test/ --config /dev/null --resolve wpad.corp.test:127.0.0.1 "
                         "--search-domain corp.test --wpad-port " + std::to_string(net.wpad.port());
    int status = 0;
    std::string text = run_tool("explain " + common, &status);
    INFO(text);
    CHECK(status == 0);
    CHECK(text.find("[proxy.conf] not configured") != std::string::npos);
    CHECK(text.find("[environment] not configured") != std::string::npos);
    CHECK(text.find("[WPAD] used") == std::string::npos);  // WPAD finds, PAC decides:
    CHECK(text.find("[PAC] used: WPAD http://wpad.corp.test:") != std::string::npos);
    CHECK(text.find("1. PROXY 127.0.0.1:" + std::to_string(net.proxy.port())) != std::string::npos);

    std::string json_text = run_tool("explain --json " + common, &status);
    CHECK(status == 0);
    auto j = nlohmann::json::parse(json_text);
    CHECK(j["candidates"][0]["port"] == net.proxy.port());
    CHECK(j["candidates"][0]["auth"] == nlohmann::json::array({"negotiate", "ntlm", "digest"}));
    CHECK(j["pac"]["ok"] == true);
    CHECK(j["pac"]["events"][0]["text"] == "deciding for relay.corp.test");

    CHECK(run_tool("--help", &status).find("explain URL") != std::string::npos);
    CHECK(status == 0);
}

TEST_CASE("WPAD end to end: a hostile served PAC is stopped; fail-closed honoured", "[e2e_wpad]") {
    Network net;
    net.pac_override = "function FindProxyForURL(u, h) { for (;;) {} }";
    PacLimits limits;
    limits.cpu = std::chrono::seconds(1);
    limits.wall = std::chrono::milliseconds(3000);
    auto det = detector_for(net, parse_config("on_detection_failure = fail\n", "proxy.conf"), limits);
    Decision d = det->resolve("https://relay.corp.test/");
    CHECK(d.blocked());
    INFO(d.failure);
    CHECK(d.failure.find("WPAD http://wpad.corp.test:") != std::string::npos);
    std::string json_text = explain_json(d);
    auto j = nlohmann::json::parse(json_text);
    CHECK(j["candidates"].empty());
    CHECK(j["pac"]["ok"] == false);
    CHECK(j["failure"].get<std::string>().find("on_detection_failure = fail") != std::string::npos);
}

TEST_CASE("WPAD end to end: an oversized wpad.dat is refused, detection continues", "[e2e_wpad]") {
    Network net;
    net.pac_override = std::string(2u << 20, '/');  // 2 MiB, over the 1 MiB script limit
    auto det = detector_for(net, Config{});
    Decision d = det->resolve("https://relay.corp.test/");
    CHECK(d.candidates.at(0).is_direct());
    std::string text = explain_text(d);
    INFO(text);
    CHECK(text.find("[WPAD] error: cannot fetch http://wpad.corp.test:") != std::string::npos);
    CHECK(text.find("larger than 1048576 bytes") != std::string::npos);
    CHECK(text.find("[default] used") != std::string::npos);
}
