// The Windows transport (winnet/) end to end: winnet_e2e.exe under wine
// against the tree's real tether-relay, directly and through a real squid
// (CONNECT, Basic auth, refusals), in stream and poll mode. Asserts on what
// the program saw (exact bytes both ways, the pong) and on what crossed the
// proxy (squid's access.log: CONNECT lines, user, the User-Agent).
// The relay is named `localhost`: wine's own code skips CONNECT when the
// target's host string equals the proxy's (both 127.0.0.1); ours does not,
// but the name keeps the tests about one thing.
#include <catch2/catch.hpp>

#include <regex>
#include <thread>

#include "relay/dev_cert.h"
#include "support/nginx.h"
#include "support/ntlm_proxy.h"
#include "winnet_fixture.h"

using namespace test_support;
using namespace winnet_test;

TEST_CASE("winnet: stream mode directly: pong and exact data frames both ways", "[direct]") {
    Relay relay;
    Run r = run_exe(relay_args(relay) + std::vector<std::string>{"--scenario", "frames", "--mode", "stream"});
    check_frames_ok(r, "stream mode, direct to localhost:" + std::to_string(relay.port()));
}

TEST_CASE("winnet: stream mode through squid CONNECT, every CONNECT with Tether's User-Agent", "[squid]") {
    Relay relay;
    Squid squid(squid_options());
    Run r = run_exe(relay_args(relay) + std::vector<std::string>{"--proxy", squid.url(), "--scenario", "frames"});
    check_frames_ok(r, "stream mode through proxy " + squid.host_port());
    // create, join, two carriers of two requests each, end
    check_connects(connect_lines(squid), relay, 7);
}

TEST_CASE("winnet: squid with Basic auth: the right credentials pass, wrong or missing ones are named", "[squid_basic]") {
    Relay relay;
    SquidOptions so = squid_options();
    so.basic_user = "alice";
    so.basic_password = "s3cret";
    Squid squid(so);
    auto base = relay_args(relay) + std::vector<std::string>{"--proxy", squid.url()};
    Run ok = run_exe(base + std::vector<std::string>{"--proxy-user", "alice", "--proxy-password", "s3cret",
                                                     "--proxy-auth", "basic", "--scenario", "frames"});
    check_frames_ok(ok, "stream mode through proxy " + squid.host_port());

    Run none = run_exe(base + std::vector<std::string>{"--scenario", "create"});
    CHECK(none.code == 3);
    CHECK(none.err.find("error: the proxy " + squid.host_port() +
                        " requires authentication (407): set proxy_user/proxy_password") != std::string::npos);

    Run wrong = run_exe(base + std::vector<std::string>{"--proxy-user", "alice", "--proxy-password", "nope",
                                                        "--proxy-auth", "basic", "--scenario", "create"});
    CHECK(wrong.code == 3);
    // Issue 17: the proxy named, the user too (the Linux sentence).
    CHECK(wrong.err.find("error: the proxy " + squid.host_port() + " rejected the credentials of 'alice' (407): "
                         "check proxy_user/proxy_password") != std::string::npos);

    // The default (anysafe) never sends a password in clear: say how to allow Basic.
    Run safe = run_exe(base + std::vector<std::string>{"--proxy-user", "alice", "--proxy-password", "s3cret",
                                                       "--scenario", "create"});
    CHECK(safe.code == 3);
    // Nothing was sent: not "rejected the credentials" (issue 17).
    CHECK(safe.err.find("error: the proxy " + squid.host_port() + " offers only Basic authentication (407), which "
                        "sends the password in clear and is not allowed here (anysafe): if that is acceptable for "
                        "this proxy, allow basic") != std::string::npos);

    auto lines = connect_lines(squid);
    std::size_t alice = 0;
    for (auto& l : lines)
        if (l.find("TCP_TUNNEL/200") != std::string::npos) {
            ++alice;
            CHECK(l.find(" alice ") != std::string::npos);
        }
    CHECK(alice >= 7);
}

TEST_CASE("winnet: squid with Digest auth: the default anysafe answers it; a wrong password is named", "[digest]") {
    Relay relay;
    SquidOptions so = squid_options();
    so.digest_user = "carol";
    so.digest_password = "digest pw";
    Squid squid(so);
    auto base = relay_args(relay) + std::vector<std::string>{"--proxy", squid.url(), "--proxy-user", "carol"};
    Run ok = run_exe(base + std::vector<std::string>{"--proxy-password", "digest pw", "--scenario", "frames"});
    check_frames_ok(ok, "stream mode through proxy " + squid.host_port());

    Run wrong = run_exe(base + std::vector<std::string>{"--proxy-password", "nope", "--scenario", "create"});
    CHECK(wrong.code == 3);
    CHECK(wrong.err.find("error: the proxy " + squid.host_port() + " rejected the credentials of 'carol' (407): "
                         "check proxy_user/proxy_password") != std::string::npos);
    // Each connection: a CONNECT without credentials gets the challenge
    // (407), the answer gets the tunnel; squid checked it against its
    // password file and logged carol, and every CONNECT named Tether.
    std::vector<std::string> tunnels;
    std::size_t challenged = 0;
    for (auto& l : connect_lines(squid)) {
        if (l.find("TCP_TUNNEL/200") != std::string::npos) tunnels.push_back(l);
        else if (l.find("TCP_DENIED/407") != std::string::npos) ++challenged;
    }
    check_connects(tunnels, relay, 7, "carol");
    CHECK(challenged >= 8);  // 7 for the tunnels, 1+ for the wrong password
}

TEST_CASE("winnet: poll mode directly: pong and exact data frames both ways", "[poll]") {
    Relay relay;
    Run r = run_exe(relay_args(relay) + std::vector<std::string>{"--scenario", "frames", "--mode", "poll"});
    check_frames_ok(r, "poll mode directly");
}

TEST_CASE("winnet: poll mode through squid CONNECT", "[poll_squid]") {
    Relay relay;
    Squid squid(squid_options());
    Run r = run_exe(relay_args(relay) +
                    std::vector<std::string>{"--proxy", squid.url(), "--scenario", "frames", "--mode", "poll"});
    check_frames_ok(r, "poll mode through proxy " + squid.host_port());
    // Kept-alive connections: far fewer CONNECTs than requests.
    check_connects(connect_lines(squid), relay, 5);
}

TEST_CASE("winnet: SessionStream over stream carriers through squid: 8 MB each way exact", "[session_stream]") {
    Relay relay;
    Squid squid(squid_options());
    Run r = run_exe(relay_args(relay) + std::vector<std::string>{"--proxy", squid.url(), "--scenario", "session",
                                                                 "--bytes", "8000000"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("OK session 8000000 bytes each way exact") != std::string::npos);
}

TEST_CASE("winnet: SessionStream over poll carriers through squid: 4 MB each way exact", "[session_poll]") {
    Relay relay;
    Squid squid(squid_options());
    Run r = run_exe(relay_args(relay) + std::vector<std::string>{"--proxy", squid.url(), "--scenario", "session",
                                                                 "--mode", "poll", "--bytes", "4000000"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("OK session 4000000 bytes each way exact") != std::string::npos);
}

TEST_CASE("winnet: an untrusted or misnamed relay certificate gives the sentence that says what to do", "[wrong_ca]") {
    Relay relay;
    const std::string advice = "if the relay uses a private CA, pass its certificate with --ca FILE; if a "
                               "TLS-inspecting proxy is in the way, pass the proxy's CA";
    const std::string relay_name = "the relay localhost:" + std::to_string(relay.port());
    // Some other CA (the tests' squid has none: take a fresh relay's).
    Relay other;
    Run wrong = run_exe({"--relay", relay.url("localhost"), "--ca", other.ca_file(), "--scenario", "create"});
    CHECK(wrong.code == 3);
    CHECK(wrong.err.find("error: " + relay_name + " presented a certificate that cannot be verified (the "
                         "certificate was issued by an authority neither Windows nor the CA file trusts): " +
                         advice) != std::string::npos);
    Run none = run_exe({"--relay", relay.url("localhost"), "--scenario", "create"});
    CHECK(none.code == 3);
    CHECK(none.err.find(relay_name + " presented a certificate that cannot be verified") != std::string::npos);
    Run missing = run_exe({"--relay", relay.url("localhost"), "--ca", "/nonexistent/ca.pem", "--scenario", "create"});
    CHECK(missing.err.find("error: cannot read the CA file '/nonexistent/ca.pem': check the --ca path") !=
          std::string::npos);
    // A name the certificate does not hold, reachable only through squid.
    SquidOptions so = squid_options();
    so.hosts.push_back({"elsewhere.test", "127.0.0.1"});
    Squid squid(so);
    Run misnamed = run_exe({"--relay", "https://elsewhere.test:" + std::to_string(relay.port()) + "/", "--ca",
                            relay.ca_file(), "--proxy", squid.url(), "--scenario", "create"});
    CHECK(misnamed.code == 3);
    CHECK(misnamed.err.find("error: the relay elsewhere.test:" + std::to_string(relay.port()) +
                            " presented a certificate that cannot be verified (the certificate is not for the "
                            "name elsewhere.test)") != std::string::npos);
}

TEST_CASE("winnet: a proxy that refuses CONNECT, a dead proxy and a dead relay are named", "[proxy_errors]") {
    Relay relay;
    SquidOptions so = squid_options();
    so.deny_connect = true;
    Squid squid(so);
    Run denied = run_exe(relay_args(relay) + std::vector<std::string>{"--proxy", squid.url(), "--scenario", "create"});
    CHECK(denied.code == 3);
    CHECK(denied.err.find("error: the proxy refused CONNECT to localhost:" + std::to_string(relay.port()) +
                          " (403): ask the proxy admin to allow CONNECT to this host and port") != std::string::npos);
    squid.stop();
    Run dead_proxy = run_exe(relay_args(relay) + std::vector<std::string>{"--proxy", squid.url(), "--scenario", "create"});
    CHECK(dead_proxy.code == 3);
    CHECK(dead_proxy.err.find("error: cannot reach the proxy " + squid.host_port() + " (connection refused)") !=
          std::string::npos);
    int port = relay.port();
    relay.process().kill_group();
    Run dead_relay = run_exe({"--relay", "https://localhost:" + std::to_string(port) + "/", "--scenario", "create"});
    CHECK(dead_relay.code == 3);
    CHECK(dead_relay.err.find("error: cannot reach the relay localhost:" + std::to_string(port) +
                              " (connection refused)") != std::string::npos);
}

TEST_CASE("winnet: a proxy crash mid-session costs carriers, not bytes", "[squid_restart]") {
    Relay relay;
    Squid squid(squid_options());
    Process p(exe_options(relay_args(relay) + std::vector<std::string>{
        "--proxy", squid.url(), "--scenario", "session", "--bytes", "40000000", "--heartbeat-ms", "500"}));
    p.wait_for_line(Process::Stream::out, "OK joined", std::chrono::seconds(60));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    squid.restart();  // SIGKILL: every tunnel cut at once; then up again on the same port
    const std::size_t before = squid.access_log().size();
    int code = p.wait(std::chrono::seconds(150));
    INFO("stdout:\n" << p.out() << "stderr:\n" << p.err());
    REQUIRE(code == 0);
    CHECK(p.out().find("OK session 40000000 bytes each way exact") != std::string::npos);
    // New tunnels after the crash (logged when they close): the carriers were replaced.
    squid.stop();
    CHECK(squid.wait_for_log("TCP_TUNNEL/200 [0-9]+ CONNECT localhost:" + std::to_string(relay.port()),
                             std::chrono::seconds(5), before));
}

TEST_CASE("winnet: NTLM through SSPI on our CONNECT, explicit credentials", "[ntlm]") {
    Relay relay;
    NtlmProxy proxy("alice");
    auto base = relay_args(relay) + std::vector<std::string>{"--proxy", proxy.url()};
    Run ok = run_exe(base + std::vector<std::string>{"--proxy-user", "LAB\\alice", "--proxy-password", "pw",
                                                     "--scenario", "frames"});
    check_frames_ok(ok, "stream mode through proxy " + proxy.host_port());
    // Every connection: negotiate, then an authenticate message naming alice
    // in domain LAB, each CONNECT with Tether's User-Agent.
    std::size_t authenticated = 0;
    const std::regex ua("UA Tether/[0-9]+\\.[0-9]+\\.[0-9]+ \\(Windows\\)$");
    for (auto& l : proxy.log()) {
        INFO(l);
        CHECK(l.rfind("CONNECT localhost:" + std::to_string(relay.port()) + " HTTP/1.1 |", 0) == 0);
        CHECK(std::regex_search(l, ua));
        if (l.find("| type3 user=alice domain=LAB ok |") != std::string::npos) ++authenticated;
    }
    CHECK(authenticated >= 7);  // create, join, 2 x 2 carrier requests, end

    Run wrong = run_exe(base + std::vector<std::string>{"--proxy-user", "mallory", "--proxy-password", "pw",
                                                        "--scenario", "create"});
    CHECK(wrong.code == 3);
    CHECK(wrong.err.find("error: the proxy " + proxy.host_port() + " rejected the credentials of 'mallory' (407): "
                         "check proxy_user/proxy_password") != std::string::npos);

    // No user configured: SSPI answers with the logged-on user's
    // credentials (single sign-on), which this proxy refuses: nothing
    // configured to check, so the sentence says what to set.
    Run sso = run_exe(base + std::vector<std::string>{"--scenario", "create"});
    INFO(sso.err);
    CHECK(sso.code == 3);
    CHECK(sso.err.find("error: the proxy " + proxy.host_port() +
                       " rejected the credentials of the logged-on user (407): set proxy_user/proxy_password "
                       "for this proxy") != std::string::npos);
}

TEST_CASE("winnet: a stream-mode probe echoes its ping and takes no session frames", "[probe]") {
    Relay relay;
    Squid squid(squid_options());
    Run r = run_exe(relay_args(relay) + std::vector<std::string>{"--proxy", squid.url(), "--scenario", "probe",
                                                                 "--mode", "poll"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("OK probe pong 77") != std::string::npos);
    CHECK(r.out.find("OK probe took no session frames") != std::string::npos);
}

TEST_CASE("winnet: the shared transport choice picks stream mode on a streaming path", "[auto_direct]") {
    Relay relay;
    Run r = run_exe(relay_args(relay) + std::vector<std::string>{"--scenario", "session", "--mode", "auto",
                                                                 "--bytes", "1000000"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("OK session 1000000 bytes each way exact") != std::string::npos);
    CHECK(r.out.find("OK desk via stream mode, direct to localhost:" + std::to_string(relay.port())) !=
          std::string::npos);
    CHECK(r.out.find("using poll mode") == std::string::npos);
}

TEST_CASE("winnet: behind a buffering nginx the shared transport choice falls back to poll mode", "[auto_nginx]") {
    Relay relay;
    TempDir dir("tether-nginx-cert");
    // Made as the relay makes its --dev one: an ECDSA signature wine can check.
    const ::relay::DevCertificate made = ::relay::ensure_dev_certificate(dir.path(), "localhost");
    const std::string &cert = made.cert_file, &key = made.key_file;
    NginxOptions no{relay.port(), cert, key, /*buffering=*/true};
    no.max_body = "0";
    Nginx nginx(no);
    Run r = run_exe({"--relay", nginx.url("localhost") + "/", "--ca", cert, "--scenario", "session", "--mode", "auto",
                     "--bytes", "1000000"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("OK session 1000000 bytes each way exact") != std::string::npos);
    // nginx holds the downlink's answer (or its pong): either way stream mode
    // fails within the budget, and the session moves on in poll mode.
    CHECK(std::regex_search(r.out, std::regex("TRANSPORT desk: stream mode failed \\(.*\\): using poll mode")));
    CHECK(r.out.find("OK desk via poll mode directly") != std::string::npos);
}
