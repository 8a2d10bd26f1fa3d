// proxy.conf parsing: every key, and malformed files with line numbers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "proxydetect/auth.h"
#include "proxydetect/config.h"
#include "proxydetect/errors.h"

using namespace proxydetect;

TEST_CASE("proxy.conf: all keys parse", "[config]") {
    const char* text = R"(# admin settings
proxy = http://proxy.corp.example:3128
proxy_user = CORP\alice
proxy_password = p=ss # not a comment: values run to the end of the line
auth = ntlm, negotiate
allow_basic_over_http = yes
transport = poll
allow_plain_http = no
on_detection_failure = fail
pac_url = http://pac.corp.example/proxy.pac
wpad = off
wpad_domain_limit = Corp.Example.COM.
no_proxy = localhost, 127.0.0.0/8, ::1, .corp.example
)";
    Config c = parse_config(text, "test.conf");
    REQUIRE(c.proxy);
    CHECK(c.proxy->curl_proxy_url() == "http://proxy.corp.example:3128");
    CHECK(c.proxy_user == "CORP\\alice");
    CHECK(c.proxy_password == "p=ss # not a comment: values run to the end of the line");
    CHECK(c.auth == std::vector<AuthScheme>{AuthScheme::ntlm, AuthScheme::negotiate});
    CHECK(c.allow_basic_over_http);
    CHECK(c.transport == Transport::poll);
    CHECK_FALSE(c.allow_plain_http);
    CHECK(c.on_detection_failure == FailureMode::fail);
    CHECK(c.pac_url == "http://pac.corp.example/proxy.pac");
    CHECK_FALSE(c.wpad);
    CHECK(c.wpad_domain_limit == "corp.example.com");
    CHECK(c.no_proxy.size() == 4);
    CHECK(c.no_proxy.matches(parse_url("https://relay.corp.example/")));
}

TEST_CASE("proxy.conf: defaults", "[config]") {
    Config c = parse_config("# nothing\n\n", "empty.conf");
    CHECK_FALSE(c.proxy);
    CHECK(c.auth.size() == 4);
    CHECK_FALSE(c.allow_basic_over_http);
    CHECK(c.transport == Transport::automatic);
    CHECK_FALSE(c.allow_plain_http);
    CHECK(c.on_detection_failure == FailureMode::direct);
    CHECK(c.wpad);
}

TEST_CASE("proxy.conf: malformed files give the line and what to do", "[config]") {
    struct Row {
        const char* text;
        int line;
        const char* says;
    };
    const Row rows[] = {
        {"# ok\nthis line has no equals\n", 2, "expected 'key = value'"},
        {"wpad = on\nproxy_server = x\n", 2, "unknown key 'proxy_server'"},
        {"\n\nwpad = maybe\n", 3, "not a boolean"},
        {"transport = carrier-pigeon\n", 1, "not one of: auto, poll, stream"},
        {"auth = negotiate, kerberos\n", 1, "'kerberos' is not one of"},
        {"auth = ntlm, ntlm\n", 1, "listed twice"},
        {"on_detection_failure = maybe\n", 1, "not one of: direct, fail"},
        {"proxy = ftp://p:21\n", 1, "use http://, https://"},
        {"proxy = http://p:70000\n", 1, "out of range"},
        {"proxy = http://u:pw@p:1\n", 1, "proxy_user/proxy_password"},
        {"pac_url = proxy.pac\n", 1, "must start with http://"},
        {"pac_file = relative.pac\n", 1, "absolute path"},
        {"wpad_domain_limit = com\n", 1, "top-level domain"},
        {"no_proxy = good.org, 10.0.0.0/40\n", 1, "10.0.0.0/40"},
        {"wpad = on\nwpad = off\n", 2, "already set on line 1"},
        {"proxy =\n", 1, "empty value"},
    };
    for (const auto& r : rows) {
        INFO(r.text);
        try {
            parse_config(r.text, "bad.conf");
            FAIL("accepted");
        } catch (const ConfigError& e) {
            CHECK(e.line() == r.line);
            CHECK(std::string(e.what()).find("bad.conf:" + std::to_string(r.line) + ": ") == 0);
            CHECK(std::string(e.what()).find(r.says) != std::string::npos);
        }
    }
}

TEST_CASE("proxy.conf: conflicting keys", "[config]") {
    CHECK_THROWS_WITH(parse_config("pac_url = http://a/p.pac\npac_file = /p.pac\n", "c"),
                      Catch::Contains("not both"));
    CHECK_THROWS_WITH(parse_config("proxy_password = x\n", "c"), Catch::Contains("set proxy_user too"));
    CHECK_THROWS_WITH(parse_config("proxy_user = a\nproxy_credentials_file = /f\n", "c"),
                      Catch::Contains("use either this file or proxy_user"));
}

TEST_CASE("proxy.conf: missing file is a ConfigError that says so", "[config]") {
    CHECK_THROWS_AS(load_config_file("/nonexistent/tether/proxy.conf"), ConfigError);
    CHECK_THROWS_WITH(load_config_file("/nonexistent/tether/proxy.conf"), Catch::Contains("cannot read"));
}

TEST_CASE("proxy.conf: every documented key is known", "[config]") {
    for (const char* k : {"proxy", "proxy_user", "proxy_password", "proxy_credentials_file", "auth",
                          "allow_basic_over_http", "transport", "allow_plain_http", "relay_key", "plain_relay_url",
                          "on_detection_failure",
                          "pac_url", "pac_file", "wpad", "wpad_domain_limit", "no_proxy"}) {
        INFO(k);
        CHECK(std::find(config_keys().begin(), config_keys().end(), k) != config_keys().end());
    }
}

TEST_CASE("credentials file and auth policy", "[config]") {
    auto c = parse_credentials_file("# comment\nbob:pa:ss\n", "/etc/tether/cred");
    CHECK(c.user == "bob");
    CHECK(c.password == "pa:ss");
    CHECK_THROWS_AS(parse_credentials_file("no colon here\n", "/f"), ConfigError);

    AuthPolicy a;
    a.order = {AuthScheme::negotiate, AuthScheme::basic};
    Candidate http = parse_proxy_url("http://p:3128", "t");
    Candidate tls = parse_proxy_url("https://p:443", "t");
    Candidate socks = parse_proxy_url("socks5://p:1080", "t");
    CHECK(a.schemes_for(http) == std::vector<AuthScheme>{AuthScheme::negotiate});  // no Basic in clear
    CHECK(a.schemes_for(tls) == std::vector<AuthScheme>{AuthScheme::negotiate, AuthScheme::basic});
    CHECK(a.schemes_for(socks).empty());
    a.allow_basic_over_http = true;
    CHECK(a.schemes_for(http).size() == 2);
}

TEST_CASE("conf/proxy.conf: the example parses and documents every key", "[config]") {
    std::string path = std::string(PROXYDETECT_SOURCE_DIR) + "/conf/proxy.conf";
    CHECK_NOTHROW(load_config_file(path));
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    for (const auto& key : config_keys()) {
        INFO(key);
        CHECK(ss.str().find("\n#" + key + " = ") != std::string::npos);
    }
}

TEST_CASE("allow_plain_http guards the relay URL", "[config]") {
    Config c;
    CHECK_NOTHROW(check_relay_url(c, "https://relay.example.com/"));
    CHECK_THROWS_WITH(check_relay_url(c, "http://relay.example.com/"), Catch::Contains("allow_plain_http = yes"));
    CHECK_THROWS_AS(check_relay_url(c, "ftp://relay/"), UrlError);
    c = parse_config("allow_plain_http = yes\n", "t");
    CHECK_NOTHROW(check_relay_url(c, "http://127.0.0.1:8080/"));
}

TEST_CASE("proxy.conf: two-key conflicts name both lines", "[config]") {
    struct Row {
        const char* text;
        const char* message;
    };
    const Row rows[] = {
        {"pac_url = http://a/p.pac\n# x\npac_file = /p.pac\n",
         "c:3: pac_file: set pac_url (line 1) or pac_file, not both"},
        {"wpad = no\nproxy_password = x\n", "c:2: proxy_password: set proxy_user too, or remove this line"},
        {"proxy_user = a\nproxy_credentials_file = /f\n",
         "c:2: proxy_credentials_file: use either this file or proxy_user (line 1), not both"},
        {"proxy_credentials_file = /f\n\nproxy_password = p\n",
         "c:1: proxy_credentials_file: use either this file or proxy_password (line 3), not both"},
    };
    for (const auto& r : rows) {
        INFO(r.text);
        CHECK_THROWS_WITH(parse_config(r.text, "c"), r.message);
    }
}

TEST_CASE("proxy.conf: a UTF-8 byte order mark (Windows editors) is not part of the first key", "[config]") {
    Config c = parse_config("\xEF\xBB\xBFwpad = no\n", "c");
    CHECK_FALSE(c.wpad);
    CHECK_THROWS_WITH(parse_config("\xEF\xBB\xBFwpdd = no\n", "c"),
                      "c:1: unknown key 'wpdd' (see docs/PROXYDETECT.md for the keys)");
}

TEST_CASE("proxy.conf: a directory is not a config file", "[config]") {
    CHECK_THROWS_WITH(load_config_file("/tmp"), "/tmp: is a directory, not a proxy.conf file");
}

TEST_CASE("proxy.conf: pac_timeout_ms sets the PAC run's wall budget", "[config]") {
    CHECK_FALSE(parse_config("wpad = on\n", "c").pac_timeout);
    auto c = parse_config("pac_timeout_ms = 8000\n", "c");
    REQUIRE(c.pac_timeout);
    CHECK(*c.pac_timeout == std::chrono::milliseconds(8000));
    for (const char* bad : {"pac_timeout_ms = 0\n", "pac_timeout_ms = 5s\n", "pac_timeout_ms = 600000\n"}) {
        INFO(bad);
        CHECK_THROWS_WITH(parse_config(bad, "c"),
                          Catch::StartsWith("c:1: pac_timeout_ms: ") &&
                              Catch::EndsWith("is not a number of milliseconds from 100 to 60000"));
    }
}

// Issue 17: a rejected proxy URL was quoted with its password (explain and
// check-config). The message names the line and shows the password as ***.
TEST_CASE("proxy.conf: a rejected proxy URL is quoted without its password", "[config]") {
    try {
        parse_config("wpad = no\nproxy = http://alice:s3cret@127.0.0.1:99999\n", "/etc/tether/proxy.conf");
        FAIL("no ConfigError");
    } catch (const ConfigError& e) {
        const std::string what = e.what();
        INFO(what);
        CHECK(what.rfind("/etc/tether/proxy.conf:2: ", 0) == 0);
        CHECK(what.find("http://alice:***@127.0.0.1:99999") != std::string::npos);
        CHECK(what.find("s3cret") == std::string::npos);
    }
}

TEST_CASE("proxy.conf: keys are spelt as in tether.conf (any case, '-' equals '_')", "[config]") {
    Config c = parse_config("No-Proxy = .corp.example\nWPAD = no\n", "c");
    CHECK(c.no_proxy_text == ".corp.example");
    CHECK_FALSE(c.wpad);
    // One setting in two spellings is a repeated key.
    CHECK_THROWS_WITH(parse_config("no_proxy = a.example\nno-proxy = b.example\n", "c"),
                      "c:2: no_proxy: already set on line 1");
}
