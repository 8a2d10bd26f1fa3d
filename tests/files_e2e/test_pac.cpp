// Issue 4 end to end: the admin's proxy.conf names a PAC script that the
// test serves over HTTP; the PAC sends the relay's name (resolvable only
// inside squid) to squid and everything else DIRECT. The real tether-desk and
// tether-client, given only that proxy.conf, find squid through the PAC and
// reach the relay through it; tether-proxydetect explain shows the chain.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <fstream>
#include <thread>

#include "files_fixture.h"
#include "support/process.h"
#include "support/relay_fixture.h"
#include "support/relay_behind_squid.h"
#include "support/temp_dir.h"

using namespace filestest;

namespace {

// A PAC server on 127.0.0.1:<ephemeral>, stopped by the destructor.
class PacServer {
public:
    explicit PacServer(std::string script) : script_(std::move(script)) {
        svr_.Get("/wpad.dat", [this](const httplib::Request&, httplib::Response& res) {
            ++fetches;
            res.set_content(script_, "application/x-ns-proxy-autoconfig");
        });
        port_ = svr_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { svr_.listen_after_bind(); });
        // cpp-httplib 0.11 has no wait_until_ready(): the socket is bound and
        // listening already, so connections queue until the loop runs.
    }
    ~PacServer() {
        svr_.stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/wpad.dat"; }
    std::atomic<int> fetches{0};

private:
    std::string script_;
    httplib::Server svr_;
    int port_ = 0;
    std::thread thread_;
};

}  // namespace

TEST_CASE("desk and client find squid through the admin's PAC and reach the relay through it") {
    Xvfb x;
    test_support::RelayBehindSquid net;
    test_support::Relay& relay = net.relay;
    test_support::Squid& squid = net.squid;
    PacServer pac("function FindProxyForURL(url, host) {\n"
                  "  if (dnsDomainIs(host, \"relay.tether.test\")) return \"PROXY " + squid.host_port() + "\";\n"
                  "  return \"DIRECT\";\n}\n");
    test_support::TempDir conf("tether-pac-conf");
    std::string proxy_conf = conf.write("proxy.conf", "pac_url = " + pac.url() + "\nwpad = off\n");
    const std::string relay_url = net.relay_url();
    std::vector<std::string> route = {"--relay", relay_url, "--ca", relay.ca_file(), "--proxy-conf", proxy_conf};

    std::string dir = temp_dir(), ds = dir + "/desk", cs = dir + "/client";
    std::vector<std::string> d = {desk_binary(), "--headless", "--status-file", ds};
    d.insert(d.end(), route.begin(), route.end());
    Process desk(d);
    REQUIRE(wait_until([&] { return read_status(ds)["code"].size() == 6; }, 30s));
    std::vector<std::string> c = {client_binary(), "--headless", "--display", x.name(), "--code",
                                  read_status(ds)["code"], "--status-file", cs};
    c.insert(c.end(), route.begin(), route.end());
    Process client(c);

    REQUIRE(wait_until([&] { return read_status(ds)["phase"] == "connected" && !read_status(cs)["auth"].empty(); }, 60s));
    CHECK(read_status(ds)["auth"] == read_status(cs)["auth"]);
    // Both chose squid, and say that the PAC made them do so.
    for (const auto& status : {ds, cs}) {
        INFO(status);
        CHECK(read_status(status)["route"].find("through http proxy " + squid.host_port()) != std::string::npos);
        CHECK(read_status(status)["route"].find("PAC") != std::string::npos);
    }
    CHECK(pac.fetches >= 2);  // each program fetched the script
    // What crossed squid: tunnels to the relay's name (only squid can resolve it).
    CHECK(squid.wait_for_log("CONNECT relay.tether.test:" + std::to_string(relay.port()), 15s));

    // The admin's view of the same decision.
    auto r = test_support::run({TETHER_PROXYDETECT_BINARY, "explain", relay_url, "--config", proxy_conf});
    INFO(r.output);
    CHECK(r.code == 0);
    CHECK(r.output.find(pac.url()) != std::string::npos);
    CHECK(r.output.find("PROXY " + squid.host_port()) != std::string::npos);
}
