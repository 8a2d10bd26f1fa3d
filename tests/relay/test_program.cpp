// The tether-relay program itself: --help, refusal of bad options, --dev
// printing its port and the certificate to trust, SIGTERM exits cleanly (and
// drains with --drain-time), SIGHUP reloads the certificate.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <regex>

#include "relay/dev_cert.h"

#include "raw_client.h"
#include "relay_harness.h"
#include "relay_process.h"

using relay_test::Child;
using relay_test::read_line;
using relay_test::spawn;
using relay_test::wait_exit;
using relay_test::listening_port;

TEST_CASE("--help answers on stdout and exits 0") {
    Child c = spawn({"--help"});
    std::string all, line;
    while (!(line = read_line(c)).empty()) all += line;
    CHECK(wait_exit(c) == 0);
    CHECK(all.find("--listen") != std::string::npos);
    CHECK(all.find("--dev") != std::string::npos);
}

// Exit codes: docs/ARCHITECTURE.md "Exit codes" (settings/tether_conf.h).
TEST_CASE("a bad option exits 2, a start-up failure 1") {
    Child c = spawn({"--listen", "nonsense"});
    CHECK(wait_exit(c) == 2);
    Child d = spawn({"--listen", "127.0.0.1:0"});  // no certificate, no --dev
    CHECK(wait_exit(d) == 1);
}

TEST_CASE("--dev prints the certificate to trust and the port, serves, and stops on SIGTERM") {
    relay_test::TempDir state;
    Child c = spawn({"--dev", "--state-dir", state.path(), "--listen", "127.0.0.1:0"});
    const std::string trust = read_line(c);
    const std::string listening = read_line(c);
    CHECK(trust == "dev certificate: trust it with: --ca " + state.path() + "/dev-cert.pem\n");
    std::smatch m;
    REQUIRE(std::regex_search(listening, m, std::regex("^listening on https://127\\.0\\.0\\.1:([0-9]+)\n$")));
    httplib::SSLClient cli("localhost", std::stoi(m[1]));
    cli.set_ca_cert_path((state.path() + "/dev-cert.pem").c_str());
    cli.enable_server_certificate_verification(true);
    auto res = cli.Get("/healthz");
    REQUIRE(res);
    CHECK(res->status == 200);
    kill(c.pid, SIGTERM);
    CHECK(wait_exit(c) == 0);
}

namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::unique_ptr<httplib::SSLClient> client_trusting(int port, const std::string& ca) {
    auto cli = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
    cli->set_ca_cert_path(ca.c_str());
    cli->enable_server_certificate_verification(true);
    cli->set_read_timeout(relay_test::kPatience);
    return cli;
}

// POST /v1/sessions through `cli`: the desk token, or "" with `status` set.
std::string create_session(httplib::SSLClient& cli, int* status = nullptr) {
    auto res = cli.Post("/v1/sessions", "{}", "application/json");
    if (status) *status = res ? res->status : -1;
    return res && res->status == 201 ? json::parse(res->body)["token"].get<std::string>() : std::string();
}

bool pings_after(relay_test::Downlink& d, std::size_t n) {
    return d.wait_for([n](auto& f) {
        std::size_t pings = 0;
        for (auto& x : f) pings += x.type == wire::FrameType::ping;
        return pings > n;
    });
}

std::size_t frame_count(relay_test::Downlink& d) {
    std::size_t n = 0;
    d.wait_for([&n](auto& f) {
        n = f.size();
        return true;
    });
    return n;
}

void copy_file(const std::string& from, const std::string& to) {
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

}  // namespace

TEST_CASE("SIGHUP serves a new certificate to new connections while a running session goes on") {
    relay_test::TempDir dir, old_cert, new_cert;
    const auto a = relay::ensure_dev_certificate(old_cert.path(), "localhost,127.0.0.1");
    const auto b = relay::ensure_dev_certificate(new_cert.path(), "localhost,127.0.0.1");
    const std::string cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
    copy_file(a.cert_file, cert);
    copy_file(a.key_file, key);
    Child c = spawn({"--cert", cert, "--key", key, "--listen", "127.0.0.1:0", "--heartbeat", "200"});
    const int port = listening_port(c);
    const std::string token = create_session(*client_trusting(port, a.cert_file));
    REQUIRE(!token.empty());
    relay_test::Downlink down([&] { return client_trusting(port, a.cert_file); }, token);
    REQUIRE(pings_after(down, 0));

    copy_file(b.cert_file, cert);
    copy_file(b.key_file, key);
    kill(c.pid, SIGHUP);
    bool new_served = false;
    for (int i = 0; i < 100 && !new_served; ++i) {
        auto res = client_trusting(port, b.cert_file)->Get("/healthz");
        new_served = res && res->status == 200;
        if (!new_served) std::this_thread::sleep_for(50ms);
    }
    CHECK(new_served);
    CHECK_FALSE(client_trusting(port, a.cert_file)->Get("/healthz"));  // the old certificate is gone
    // The session and its downlink (on the old certificate) go on.
    CHECK(pings_after(down, frame_count(down) + 2));
    auto state = client_trusting(port, b.cert_file)->Get("/v1/session", relay_test::Harness::bearer(token));
    REQUIRE(state);
    CHECK(state->status == 200);
    kill(c.pid, SIGINT);
    CHECK(wait_exit(c) == 0);
}

// A --dev relay with --drain-time `drain_s`, one session and its downlink
// already receiving pings: what both SIGTERM tests start from.
struct SessionBeforeSigterm {
    relay_test::TempDir state;
    Child c;
    int port;
    std::string ca, token;
    std::unique_ptr<relay_test::Downlink> down;

    explicit SessionBeforeSigterm(const char* drain_s)
        : c(spawn({"--dev", "--state-dir", state.path(), "--listen", "127.0.0.1:0", "--drain-time", drain_s,
                   "--heartbeat", "200"})),
          port(listening_port(c)), ca(state.path() + "/dev-cert.pem"), token(create_session(*client_trusting(port, ca))) {
        REQUIRE(!token.empty());
        down = std::make_unique<relay_test::Downlink>([this] { return client_trusting(port, ca); }, token);
        REQUIRE(pings_after(*down, 0));
    }
};

TEST_CASE("SIGTERM drains: no new sessions, running ones go on and the relay exits once they ended") {
    SessionBeforeSigterm r("60");
    const auto t0 = std::chrono::steady_clock::now();
    kill(r.c.pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100 && status != 503; ++i) {
        create_session(*client_trusting(r.port, r.ca), &status);
        if (status != 503) std::this_thread::sleep_for(50ms);
    }
    CHECK(status == 503);
    CHECK(pings_after(*r.down, frame_count(*r.down) + 2));  // the running session goes on
    auto ended = client_trusting(r.port, r.ca)->Delete("/v1/session", relay_test::Harness::bearer(r.token));
    REQUIRE(ended);
    CHECK(ended->status == 204);
    CHECK(wait_exit(r.c) == 0);
    CHECK(std::chrono::steady_clock::now() - t0 < 30s);  // far inside --drain-time
}

TEST_CASE("SIGTERM: sessions still running after --drain-time get end(relay_shutdown)") {
    SessionBeforeSigterm r("1");
    kill(r.c.pid, SIGTERM);
    CHECK(r.down->wait_for([](auto& f) {
        for (auto& x : f)
            if (x.type == wire::FrameType::end && wire::payload_end(x).reason == wire::EndReason::relay_shutdown)
                return true;
        return false;
    }));
    CHECK(wait_exit(r.c) == 0);
}

TEST_CASE("out of descriptors: 503 busy past the derived session cap, accepting resumes after EMFILE") {
    // 256 open files: (256 - 64 spare - 64 for strangers) / 4 = 32 sessions.
    relay_test::TempDir state;
    Child c = spawn({"--dev", "--state-dir", state.path(), "--listen", "127.0.0.1:0", "--max-conns-per-ip", "0",
                     "--create-rate-per-ip", "0"},
                    256);
    const int port = listening_port(c);
    const std::string ca = state.path() + "/dev-cert.pem";
    int status = 0, created = 0;
    for (int i = 0; i < 40 && status != 503; ++i) {
        if (!create_session(*client_trusting(port, ca), &status).empty()) ++created;
    }
    CHECK(created == 32);
    CHECK(status == 503);
    // More connections than descriptors: accept() fails with EMFILE
    // meanwhile; the relay neither crashes nor stops accepting for good.
    std::vector<int> hogs;
    for (int i = 0; i < 300; ++i) hogs.push_back(relay_test::tcp_connect(port, 1s));
    std::this_thread::sleep_for(500ms);
    for (int fd : hogs)
        if (fd >= 0) ::close(fd);
    bool served = false;
    for (int i = 0; i < 100 && !served; ++i) {
        auto res = client_trusting(port, ca)->Get("/healthz");
        served = res && res->status == 200;
        if (!served) std::this_thread::sleep_for(50ms);
    }
    CHECK(served);
    auto metrics = client_trusting(port, ca)->Get("/metrics");
    REQUIRE(metrics);
    std::smatch m;
    REQUIRE(std::regex_search(metrics->body, m, std::regex("tether_relay_refused_total\\{reason=\"accept_failed\"\\} ([0-9]+)")));
    CHECK(std::stol(m[1]) > 0);  // EMFILE did happen, and was counted
    kill(c.pid, SIGINT);
    CHECK(wait_exit(c) == 0);
}
