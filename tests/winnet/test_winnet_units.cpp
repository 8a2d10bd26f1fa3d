// winnet/ units under wine: which answer our CONNECT gives to a 407 (scheme
// choice, the proxy_auth list, giving up), and how routes are read.
#include <catch2/catch.hpp>

#include <winsock2.h>

#include <functional>
#include <regex>
#include <thread>

#include "digest_auth.h"
#include "e2e/request_auth.h"
#include "http_client.h"
#include "proxydetect/fakes.h"
#include "socket.h"
#include "winnet/routes.h"
#include "winnet/session_client.h"
#include "proxy_auth.h"
#include "route.h"

using namespace winnet;

namespace {

Config with_auth(const std::string& list, const std::string& user = "alice", const std::string& pw = "s3cret") {
    Config c;
    c.relay_url = "https://localhost:1/";
    c.proxy_url = "http://127.0.0.1:3128";
    c.proxy_auth = list;
    c.proxy_user = user;
    c.proxy_password = pw;
    return c;
}

}  // namespace

TEST_CASE("winnet: a 407 is answered with the strongest allowed scheme, Basic only when allowed", "[units]") {
    struct Row { std::string list, user; std::vector<std::string> offered; std::string prefix; const char* why; };
    std::vector<Row> rows = {
        {"basic", "alice", {"Basic realm=\"x\""}, "Basic YWxpY2U6czNjcmV0", "Basic allowed and offered"},
        {"any", "alice", {"Basic realm=\"x\""}, "Basic YWxpY2U6czNjcmV0", "any includes Basic"},
        {"anysafe", "alice", {"Basic realm=\"x\""}, "", "anysafe never sends a password in clear"},
        {"", "alice", {"Basic realm=\"x\""}, "", "the default is anysafe"},
        {"basic", "", {"Basic realm=\"x\""}, "", "Basic without a user: nothing to send"},
        {"basic,ntlm", "alice", {"Basic realm=\"x\"", "NTLM"}, "NTLM ", "NTLM before Basic"},
        {"anysafe", "alice", {"Digest realm=\"x\", nonce=\"n\""}, "Digest username=\"alice\", realm=\"x\"",
         "Digest is safe: anysafe allows it"},
        {"anysafe", "", {"Digest realm=\"x\", nonce=\"n\""}, "", "Digest without a user: nothing to send"},
        {"anysafe", "alice", {"Digest realm=\"x\"", "Basic realm=\"x\""}, "", "a Digest challenge without nonce"},
        {"basic,digest", "alice", {"Basic realm=\"x\"", "Digest realm=\"x\", nonce=\"n\""}, "Digest ",
         "Digest before Basic"},
        {"ntlm,digest", "alice", {"Digest realm=\"x\", nonce=\"n\"", "NTLM"}, "NTLM ", "NTLM before Digest"},
        {"basic", "alice", {"Digest realm=\"x\", nonce=\"n\""}, "", "Digest not in the list"},
        {"anysafe", "alice", {}, "", "a 407 without Proxy-Authenticate"},
    };
    for (auto& r : rows) {
        INFO(r.why);
        Config cfg = with_auth(r.list, r.user);
        ProxyAuth auth(cfg, "127.0.0.1", "localhost:1");
        std::string answer = auth.answer(r.offered);
        if (r.prefix.empty()) CHECK(answer.empty());
        else CHECK(answer.rfind(r.prefix, 0) == 0);
    }
}

TEST_CASE("winnet: a second 407 after Basic means wrong credentials: give up", "[units]") {
    Config cfg = with_auth("basic");
    ProxyAuth auth(cfg, "127.0.0.1", "localhost:1");
    CHECK(auth.answer({"Basic realm=\"x\""}) == "Basic YWxpY2U6czNjcmV0");
    CHECK(auth.answer({"Basic realm=\"x\""}).empty());
    CHECK(auth.basic_offered());
}

// Plain requests through the proxy (issue 17): after one accepted login,
// later requests carry it unasked; NTLM authenticates the connection.
TEST_CASE("winnet: after a login, Basic and Digest go with later requests; NTLM does not", "[units]") {
    Config cfg = with_auth("basic");
    ProxyAuth basic(cfg, "127.0.0.1", "http://localhost:80/v1/sessions/join", "POST");
    CHECK(basic.again("GET", "http://localhost:80/v1/poll/down").empty());  // nothing accepted yet
    CHECK(basic.answer({"Basic realm=\"x\""}) == "Basic YWxpY2U6czNjcmV0");
    CHECK(basic.again("GET", "http://localhost:80/v1/poll/down") == "Basic YWxpY2U6czNjcmV0");

    Config safe = with_auth("anysafe");
    ProxyAuth digest(safe, "127.0.0.1", "http://localhost:80/v1/poll/up", "POST");
    std::string first = digest.answer({"Digest realm=\"squid\", nonce=\"n1\", qop=\"auth\""});
    CHECK(first.find("uri=\"http://localhost:80/v1/poll/up\"") != std::string::npos);
    CHECK(first.find("nc=00000001") != std::string::npos);
    std::string later = digest.again("GET", "http://localhost:80/v1/poll/down?wait=25");
    CHECK(later.find("nonce=\"n1\", uri=\"http://localhost:80/v1/poll/down?wait=25\"") != std::string::npos);
    CHECK(later.find("nc=00000002") != std::string::npos);
    CHECK(digest.again("GET", "http://localhost:80/x").find("nc=00000003") != std::string::npos);

    Config ntlm = with_auth("ntlm");
    ProxyAuth conn(ntlm, "127.0.0.1", "http://localhost:80/x", "GET");
    CHECK(conn.again("GET", "http://localhost:80/x").empty());
}

TEST_CASE("winnet: routes: https only, proxy port 1080 by default, names for messages", "[units]") {
    Config c;
    c.relay_url = "https://Relay.Example.com/base/";
    c.proxy_url = "10.0.0.1";
    Route r = route_of(c);
    CHECK(r.relay_name() == "relay.example.com:443");
    CHECK(r.relay.path == "/base");
    CHECK(r.proxy_name() == "10.0.0.1:1080");
    CHECK(relay_host_header(r) == "relay.example.com");
    c.proxy_url = "http://proxy:8080";
    CHECK(route_of(c).proxy_name() == "proxy:8080");
    c.relay_url = "http://relay.example.com/";
    CHECK_THROWS_AS(route_of(c), session::CarrierError);
    c.relay_url = "relay.example.com";
    CHECK_THROWS_AS(route_of(c), session::CarrierError);
}

TEST_CASE("winnet: relay answers become the same sentences as on Linux", "[units]") {
    auto gone = relay_status(410, R"({"error":"ended_session","message":"the session has ended"})");
    CHECK(std::string(gone.what()) == "the relay no longer knows this session (410): it ended there or the relay restarted; start a new session");
    CHECK(gone.fatal);
    auto big = relay_status(413, "");
    CHECK(big.http_status == 413);
    CHECK(std::string(big.what()).find("limits request bodies") != std::string::npos);
    Config cfg = with_auth("anysafe", "");
    Route route = route_of(cfg);
    CHECK(std::string(connect_refused(407, cfg, route).what()) ==
          "the proxy 127.0.0.1:3128 requires authentication (407): set proxy_user/proxy_password");
}

// Issue 17: "rejected the credentials" only when credentials went out and
// came back refused; every 407 names the proxy (the Linux sentences,
// session/proxy_auth_text.h).
TEST_CASE("winnet: a final 407 names the proxy and says what really happened", "[units]") {
    struct Row {
        std::string list, user;
        std::vector<std::string> offered;  // each 407's Proxy-Authenticate, until we have no answer
        std::string said;
    };
    const std::string basic_only =
        "the proxy 127.0.0.1:3128 offers only Basic authentication (407), which sends the password in clear and is "
        "not allowed here (anysafe): if that is acceptable for this proxy, allow basic (--proxy-auth basic, or in "
        "proxy.conf auth = ...,basic and allow_basic_over_http = yes)";
    std::vector<Row> rows = {
        {"anysafe", "alice", {"Basic realm=\"x\""}, basic_only},
        {"anysafe", "", {"Basic realm=\"x\""},  // no user: what to set comes first
         "the proxy 127.0.0.1:3128 requires authentication (407): set proxy_user/proxy_password"},
        {"basic", "alice", {"Basic realm=\"x\"", "Basic realm=\"x\""},
         "the proxy 127.0.0.1:3128 rejected the credentials of 'alice' (407): check proxy_user/proxy_password"},
        {"basic", "alice", {"Digest realm=\"x\", nonce=\"n\""},
         "the proxy 127.0.0.1:3128 offers no authentication scheme allowed here (407; allowed: basic): ask the "
         "proxy admin which schemes it takes, and set proxy_auth (--proxy-auth) to include one"},
    };
    for (const Row& r : rows) {
        INFO(r.list << " " << r.offered.front());
        Config cfg = with_auth(r.list, r.user);
        ProxyAuth auth(cfg, "127.0.0.1", "localhost:1");
        std::string answer;
        for (const auto& o : r.offered) answer = auth.answer({o});
        REQUIRE(answer.empty());
        CHECK(std::string(connect_refused(407, cfg, route_of(cfg), auth.seen()).what()) == r.said);
    }
}

TEST_CASE("winnet: Digest answers match the RFC 7616 and RFC 2617 examples", "[units]") {
    // RFC 7616 3.9.1 (MD5 and SHA-256) and RFC 2617 3.5 (MD5): GET of
    // /dir/index.html by Mufasa, password "Circle Of Life" (2617) or "Circle of Life" (7616).
    struct Row { std::string challenge, password, cnonce, response; };
    const std::string n7616 = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    const std::string c7616 = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    const std::string o7616 = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
    std::vector<Row> rows = {
        {"realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, nonce=\"" + n7616 +
             "\", opaque=\"" + o7616 + "\"",
         "Circle of Life", c7616, "8ca523f5e9506fed4657c9700eebdbec"},
        {"realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, nonce=\"" + n7616 +
             "\", opaque=\"" + o7616 + "\"",
         "Circle of Life", c7616, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
        {"realm=\"testrealm@host.com\", qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
         "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
         "Circle Of Life", "0a4f113b", "6629fae49393a05397450978507c4ef1"},
    };
    for (auto& r : rows) {
        INFO(r.challenge);
        auto c = parse_digest_challenge(r.challenge);
        REQUIRE(c);
        std::string v = digest_authorization(*c, {"Mufasa", r.password, "GET", "/dir/index.html", r.cnonce, 1});
        CHECK(v.find("response=\"" + r.response + "\"") != std::string::npos);
        CHECK(v.find(", qop=auth, nc=00000001, cnonce=\"" + r.cnonce + "\"") != std::string::npos);
        CHECK(v.find("opaque=\"" + c->opaque + "\"") != std::string::npos);
        CHECK(v.rfind("Digest username=\"Mufasa\", realm=\"" + c->realm + "\", nonce=\"" + c->nonce +
                          "\", uri=\"/dir/index.html\", algorithm=" + c->algorithm + ", ",
                      0) == 0);
    }
}

TEST_CASE("winnet: Digest challenges: what we parse, what we refuse", "[units]") {
    struct Row { std::string text; bool ok; std::string algorithm; bool qop, stale; };
    std::vector<Row> rows = {
        {"realm=\"r\", nonce=\"n\"", true, "MD5", false, false},
        {"realm=r, nonce=n, algorithm=sha-256, qop=auth", true, "SHA-256", true, false},
        {"nonce=\"a,b\", realm=\"x\\\"y\", stale=TRUE, qop=\"auth-int,auth\"", true, "MD5", true, true},
        {"realm=\"r\", nonce=\"n\", qop=\"auth-int\"", false, "", false, false},
        {"realm=\"r\", nonce=\"n\", algorithm=MD5-sess", false, "", false, false},
        {"realm=\"r\", nonce=\"n\", algorithm=SHA-512-256", false, "", false, false},
        {"realm=\"r\"", false, "", false, false},
        {"realm=\"r, nonce=\"n\"", false, "", false, false},
        {"realm", false, "", false, false},
        {"", false, "", false, false},
    };
    for (auto& r : rows) {
        INFO(r.text);
        auto c = parse_digest_challenge(r.text);
        REQUIRE(bool(c) == r.ok);
        if (!c) continue;
        CHECK(c->algorithm == r.algorithm);
        CHECK(c->qop_auth == r.qop);
        CHECK(c->stale == r.stale);
    }
    auto quoted = parse_digest_challenge("realm=\"x\\\"y\", nonce=\"a,b\"");
    REQUIRE(quoted);
    CHECK(quoted->realm == "x\"y");
    CHECK(quoted->nonce == "a,b");
    // Written back escaped; a DOMAIN\user name too.
    std::string v = digest_authorization(*quoted, {"LAB\\alice", "pw", "CONNECT", "localhost:1", "c", 1});
    CHECK(v.rfind("Digest username=\"LAB\\\\alice\", realm=\"x\\\"y\", nonce=\"a,b\", uri=\"localhost:1\"", 0) == 0);
    CHECK(v.find("qop") == std::string::npos);  // no qop offered: RFC 2069 form
    CHECK_THROWS_AS(digest_authorization(*quoted, {"al\nice", "pw", "CONNECT", "x:1", "c", 1}), std::invalid_argument);
    CHECK(random_cnonce().size() == 32);
    CHECK(random_cnonce() != random_cnonce());
}

TEST_CASE("winnet: Digest on CONNECT: one answer per nonce, again only for a stale nonce", "[units]") {
    Config cfg = with_auth("anysafe");
    ProxyAuth auth(cfg, "127.0.0.1", "localhost:443");
    std::string first = auth.answer({"Digest realm=\"squid\", nonce=\"n1\", qop=\"auth\""});
    CHECK(first.rfind("Digest username=\"alice\", realm=\"squid\", nonce=\"n1\", uri=\"localhost:443\", algorithm=MD5",
                      0) == 0);
    CHECK(auth.scheme() == "digest");
    CHECK(auth.answer({"Digest realm=\"squid\", nonce=\"n2\", qop=\"auth\""}).empty());  // refused
    ProxyAuth stale(cfg, "127.0.0.1", "localhost:443");
    CHECK(!stale.answer({"Digest realm=\"squid\", nonce=\"n1\""}).empty());
    CHECK(stale.answer({"Digest realm=\"squid\", nonce=\"n2\", stale=true"}).find("nonce=\"n2\"") != std::string::npos);
    // SHA-256 preferred when both are offered.
    ProxyAuth both(cfg, "127.0.0.1", "localhost:443");
    CHECK(both.answer({"Digest realm=\"r\", nonce=\"m\"", "Digest realm=\"r\", nonce=\"s\", algorithm=SHA-256"})
              .find("algorithm=SHA-256") != std::string::npos);
}

namespace {

// A PAC evaluator that answers the same every time (proxydetect's fakes have none).
struct FixedPac : proxydetect::PacEvaluator {
    std::string result;
    proxydetect::PacOutcome evaluate(const proxydetect::PacRequest&, proxydetect::Resolver&) override {
        proxydetect::PacOutcome o;
        o.ok = true;
        o.result = result;
        return o;
    }
};

// A Detector on fakes whose "Internet Options" name a PAC at http://pac/p.
std::unique_ptr<proxydetect::Detector> pac_detector(const std::string& result, const std::string& conf = "") {
    using namespace proxydetect;
    World w;
    w.env = std::make_unique<fake::Environment>();
    w.files = std::make_unique<fake::FileSystem>();
    w.dns = std::make_unique<fake::Resolver>();
    auto http = std::make_unique<fake::HttpFetcher>();
    http->bodies["http://pac/p"] = "function FindProxyForURL(u, h) {}";
    w.http = std::move(http);
    w.commands = std::make_unique<fake::CommandRunner>();
    w.net = std::make_unique<fake::NetworkInfo>();
    w.clock = std::make_unique<fake::Clock>();
    auto ie = std::make_unique<fake::SystemProxySource>();
    ie->settings.mode = SystemProxySettings::Mode::pac_url;
    ie->settings.pac_url = "http://pac/p";
    w.desktop = std::move(ie);
    auto pac = std::make_unique<FixedPac>();
    pac->result = result;
    w.pac = std::move(pac);
    DetectorOptions o;
    o.order = SourceOrder::system_first;
    return std::make_unique<Detector>(parse_config(conf, "proxy.conf"), std::move(w), o);
}

}  // namespace

TEST_CASE("winnet: routes from proxydetect: order, auth, failover to the next, fatal errors not hidden", "[units]") {
    Config base = with_auth("anysafe", "", "");
    base.proxy_url.clear();
    base.relay_url = "https://relay.example.com/";  // not localhost: that would bypass the PAC (implicit rule)
    auto det = pac_detector("PROXY dead:1; SOCKS5 s:1080; PROXY live:3128; DIRECT",
                            "proxy_user = bob\nproxy_password = pw\nauth = digest, basic\n");
    RoutePlan plan = plan_routes(*det, base);
    REQUIRE(plan.routes.size() == 3);  // the SOCKS proxy is left out
    CHECK(plan.routes[0].cfg.proxy_url == "http://dead:1");
    CHECK(plan.routes[0].cfg.proxy_user == "bob");
    CHECK(plan.routes[0].cfg.proxy_password == "pw");
    CHECK(plan.routes[0].cfg.proxy_auth == "digest");  // Basic not to a plain http:// proxy
    CHECK(plan.routes[0].why == "PROXY dead:1 (from PAC (fake desktop PAC http://pac/p))");
    CHECK(plan.routes[2].cfg.proxy_url.empty());
    CHECK(plan.routes[2].cfg.proxy_user.empty());

    std::vector<std::string> tried;
    auto attempt = [&](const ProxyRoute& r) {
        tried.push_back(r.cfg.proxy_url);
        if (r.cfg.proxy_url == "http://dead:1") throw session::CarrierError("cannot reach the proxy dead:1");
        return r.cfg.proxy_url;
    };
    CHECK(session::first_working_route<std::string>(*det, plan, attempt) == "http://live:3128");
    CHECK(tried == std::vector<std::string>{"http://dead:1", "http://live:3128"});
    // The dead proxy was marked failed: the next plan tries it last.
    RoutePlan again = plan_routes(*det, base);
    CHECK(again.routes.front().cfg.proxy_url == "http://live:3128");
    CHECK(again.routes.back().cfg.proxy_url == "http://dead:1");
    // A refusal an admin must see is not hidden by trying DIRECT.
    auto refuse = [](const ProxyRoute&) -> std::string {
        throw session::CarrierError("the proxy refused CONNECT", true);
    };
    CHECK_THROWS_WITH(session::first_working_route<std::string>(*det, again, refuse), "the proxy refused CONNECT");

    auto socks_only = pac_detector("SOCKS5 s:1080");
    RoutePlan none = plan_routes(*socks_only, base);
    CHECK(none.routes.empty());
    CHECK(none.blocked.rfind("the only ways out found are proxies the Windows client cannot use yet (SOCKS or a TLS "
                             "proxy): SOCKS5 s:1080 (from PAC", 0) == 0);
}

// --- Plain HTTP (issue 17; docs/SECURITY.md "Plain HTTP through proxies
// that refuse CONNECT"): winnet's routes, and its request signing against
// a peer on loopback that plays the proxy (and the relay behind it).

TEST_CASE("winnet: plain HTTP only where allowed; its fallback routes only with the relay's key", "[units]") {
    Config c = with_auth("anysafe", "", "");
    c.relay_url = "http://relay.example.com/base/";
    CHECK_THROWS_WITH(route_of(c), Catch::Contains("proxy.conf allow_plain_http = no"));
    c.allow_plain_http = true;
    Route r = route_of(c);
    CHECK(r.plain());
    CHECK(relay_host_header(r) == "relay.example.com");  // port 80: no port in Host

    const std::string key(64, 'a');
    Config tls = with_auth("anysafe", "", "");
    tls.relay_url = "https://relay.example.com:8443/base/";
    struct Row {
        bool allow;
        std::string key, proxy, plain_url, want;  // want "": no fallback
    } rows[] = {
        {false, key, "http://p:3128", "", ""},                      // not allowed
        {true, "", "http://p:3128", "", ""},                        // no pinned key
        {true, key, "", "", ""},                                    // DIRECT: no proxy to refuse CONNECT
        {true, key, "http://p:3128", "", "http://relay.example.com/base/"},  // the relay's host, port 80
        {true, key, "http://p:3128", "http://plain.example.com:8080/", "http://plain.example.com:8080/"},
    };
    for (const Row& row : rows) {
        INFO(row.allow << " key=" << row.key.size() << " proxy=" << row.proxy << " plain=" << row.plain_url);
        Config base = tls;
        base.proxy_url = row.proxy;
        auto p = plain_fallback(base, row.allow, row.key, row.plain_url);
        CHECK(p.has_value() == !row.want.empty());
        if (!p) continue;
        CHECK(p->relay_url == row.want);
        CHECK(p->proxy_url == row.proxy);
        CHECK(p->allow_plain_http);
        CHECK(p->relay_key == key);
    }
    CHECK_FALSE(plain_fallback(c, true, key, ""));  // already plain

    // From proxydetect: after the routes through proxies, their plain fallbacks.
    auto det = pac_detector("PROXY live:3128; DIRECT", "allow_plain_http = yes\nrelay_key = " + key + "\n");
    Config base = with_auth("anysafe", "", "");
    base.proxy_url.clear();
    base.relay_url = "https://relay.example.com/";
    RoutePlan plan = plan_routes(*det, base);
    REQUIRE(plan.routes.size() == 3);
    CHECK_FALSE(plan.routes[0].plain_fallback);
    CHECK(plan.routes[0].cfg.allow_plain_http);
    CHECK(plan.routes[1].cfg.proxy_url.empty());  // DIRECT
    CHECK(plan.routes[2].plain_fallback);
    CHECK(plan.routes[2].cfg.proxy_url == "http://live:3128");
    CHECK(plan.routes[2].cfg.relay_url == "http://relay.example.com/");
    CHECK(plan.routes[2].why.find("plain HTTP because that proxy refused CONNECT") != std::string::npos);
}

namespace {

// One loopback connection: reads one request (head and Content-Length
// body) and answers what `answer` makes of it, then closes. The request is
// kept for the test to read after join().
class LoopbackPeer {
public:
    explicit LoopbackPeer(std::function<std::string(const std::string&)> answer) {
        winsock_init();
        listener_ = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(listener_, 1);
        int len = sizeof a;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        thread_ = std::thread([this, answer] { serve(answer); });
    }
    ~LoopbackPeer() { join(); }
    void join() {
        if (thread_.joinable()) thread_.join();
        if (listener_ != INVALID_SOCKET) closesocket(listener_);
        listener_ = INVALID_SOCKET;
    }
    int port = 0;
    std::string request;

private:
    void serve(const std::function<std::string(const std::string&)>& answer) {
        SOCKET s = ::accept(listener_, nullptr, nullptr);
        if (s == INVALID_SOCKET) return;
        char buf[4096];
        for (;;) {
            auto end = request.find("\r\n\r\n");
            if (end != std::string::npos) {
                auto cl = request.find("Content-Length: ");
                std::size_t body = cl == std::string::npos ? 0 : std::stoul(request.substr(cl + 16));
                if (request.size() >= end + 4 + body) break;
            }
            int n = ::recv(s, buf, sizeof buf, 0);
            if (n <= 0) break;
            request.append(buf, n);
        }
        std::string out = answer(request);
        ::send(s, out.data(), static_cast<int>(out.size()), 0);
        ::shutdown(s, SD_SEND);
        closesocket(s);
    }
    SOCKET listener_ = INVALID_SOCKET;
    std::thread thread_;
};

// A request header's value ("" if absent).
std::string header_in(const std::string& request, const std::string& name) {
    auto at = request.find("\r\n" + name + ": ");
    if (at == std::string::npos) return "";
    at += name.size() + 4;
    return request.substr(at, request.find("\r\n", at) - at);
}

std::string answer_200(const std::string& body, const std::string& auth) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n" + (auth.empty() ? "" : "X-Tether-Auth: " + auth + "\r\n") + "\r\n" + body;
}

Config plain_through(int proxy_port) {
    Config c;
    c.relay_url = "http://relay.test:8080/";
    c.proxy_url = "http://127.0.0.1:" + std::to_string(proxy_port);
    c.allow_plain_http = true;
    c.connect_timeout = std::chrono::milliseconds(5000);
    return c;
}

}  // namespace

TEST_CASE("winnet: over plain HTTP every request is signed and every answer's signature checked", "[units]") {
    e2e::Key k{};
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i * 7 + 1);
    const std::string credential = e2e::keyed_credential("side-id", k);
    // The relay's signature over the answer to the request it saw (n from its
    // X-Tether-Auth), or a tampering proxy's: the same signature over other bytes.
    auto signed_answer = [&](bool tamper) {
        return [&k, tamper](const std::string& req) {
            auto auth = e2e::parse_request_auth(header_in(req, "X-Tether-Auth"));
            std::uint64_t seq = auth ? auth->seq : 0;
            std::string mac = e2e::response_mac(k, seq, 200, "frames");
            return answer_200(tamper ? "framez" : "frames", e2e::format_response_auth(mac));
        };
    };

    SECTION("an honest path: a forward-proxy request with a MAC, no bearer token; the answer accepted") {
        LoopbackPeer proxy(signed_answer(false));
        Config cfg = plain_through(proxy.port);
        Route route = route_of(cfg);
        HttpClient client(cfg, route, credential);
        Response r = client.request("POST", "/v1/poll/up", "abc", std::chrono::seconds(10));
        proxy.join();
        CHECK(r.status() == 200);
        CHECK(r.body == "frames");
        const std::string& req = proxy.request;
        INFO(req);
        CHECK(req.rfind("POST http://relay.test:8080/v1/poll/up HTTP/1.1\r\n", 0) == 0);
        CHECK(header_in(req, "Host") == "relay.test:8080");
        CHECK(req.find("Authorization") == std::string::npos);  // neither Bearer nor anything else
        CHECK(req.find(e2e::to_hex(k)) == std::string::npos);  // the key never goes out
        auto auth = e2e::parse_request_auth(header_in(req, "X-Tether-Auth"));
        REQUIRE(auth);
        CHECK(auth->token == "side-id");
        CHECK(auth->mac == e2e::request_mac(k, "POST", "/v1/poll/up", "side-id", auth->seq, "abc"));
    }
    SECTION("a proxy that alters an answer: refused, saying so") {
        LoopbackPeer proxy(signed_answer(true));
        Config cfg = plain_through(proxy.port);
        Route route = route_of(cfg);
        HttpClient client(cfg, route, credential);
        CHECK_THROWS_WITH(client.request("GET", "/v1/poll/down?wait=0", "", std::chrono::seconds(10)),
                          "an answer (200) to /v1/poll/down?wait=0 did not carry the relay's signature for this "
                          "request: it was forged, altered or replayed on the way (a proxy on the plain-HTTP "
                          "path?), or it comes from something in front of the relay");
    }
    SECTION("a join whose answer is not signed under the new key (a proxy swapped the key): fatal") {
        std::string body_seen;
        LoopbackPeer proxy([&](const std::string& req) {
            body_seen = req.substr(req.find("\r\n\r\n") + 4);
            return answer_200(R"({"token":"side-id","name":"Desk"})", "v1 mac=" + std::string(64, '0'));
        });
        Config cfg = plain_through(proxy.port);
        cfg.relay_key = e2e::to_hex(e2e::EndpointKeyAgreement().public_key);
        try {
            SessionClient(cfg).join("123456");
            FAIL("an unsigned join answer was accepted");
        } catch (const session::CarrierError& e) {
            CHECK(e.fatal);
            CHECK(std::string(e.what()).find("is not signed with this session's new key") != std::string::npos);
        }
        proxy.join();
        CHECK(std::regex_search(body_seen, std::regex(R"("key":"[0-9a-f]{64}")")));  // our public key went out
    }
    SECTION("the relay's refusals of a keyed request: Linux's sentences; only a replay is retried") {
        auto bad_mac = relay_status(401, R"({"error":"bad_mac","message":"the request's MAC does not match"})");
        CHECK(std::string(bad_mac.what()) == "the relay refused a request whose authentication did not match (altered "
                                             "on the way, e.g. by a proxy): the request's MAC does not match");
        CHECK(bad_mac.fatal);
        auto replayed = relay_status(401, R"({"error":"replayed"})");
        CHECK(std::string(replayed.what()).find("refused a request as a replay") != std::string::npos);
        CHECK_FALSE(replayed.fatal);
        CHECK(relay_status(401, R"({"error":"key_required"})").fatal);
    }
    SECTION("plain HTTP without the relay's key: refused before anything is sent") {
        Config cfg = plain_through(1);
        CHECK_THROWS_WITH(SessionClient(cfg).join("123456"), Catch::Contains("relay_key = <64 hex digits>"));
    }
}
