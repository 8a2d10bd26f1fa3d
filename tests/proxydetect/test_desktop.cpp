// Desktop settings (GNOME through gsettings output, KDE kioslaverc),
// resolv.conf search domains and the WPAD host list.
#include <catch2/catch.hpp>

#include "proxydetect/errors.h"
#include "proxydetect/fakes.h"
#include "proxydetect/system.h"
#include "proxydetect/system_proxy.h"
#include "proxydetect/wpad.h"

using namespace proxydetect;
using Mode = SystemProxySettings::Mode;
using V = std::vector<std::string>;

namespace {
void gsettings(fake::CommandRunner& c, const std::string& schema, const std::string& key, const std::string& out) {
    c.outputs["gsettings get " + schema + " " + key] = out + "\n";
}
}  // namespace

TEST_CASE("GNOME: manual proxies and ignore-hosts", "[desktop]") {
    fake::Environment env;
    fake::FileSystem files;
    fake::CommandRunner cmd;
    gsettings(cmd, "org.gnome.system.proxy", "mode", "'manual'");
    gsettings(cmd, "org.gnome.system.proxy", "ignore-hosts", "['localhost', '127.0.0.0/8', '::1']");
    gsettings(cmd, "org.gnome.system.proxy.http", "host", "'proxy.corp'");
    gsettings(cmd, "org.gnome.system.proxy.http", "port", "3128");
    gsettings(cmd, "org.gnome.system.proxy.https", "host", "''");
    gsettings(cmd, "org.gnome.system.proxy.https", "port", "0");
    gsettings(cmd, "org.gnome.system.proxy.socks", "host", "'socks.corp'");
    gsettings(cmd, "org.gnome.system.proxy.socks", "port", "1080");
    auto s = make_gnome_source()->read({env, files, cmd});
    CHECK(s.mode == Mode::manual);
    REQUIRE(s.http);
    CHECK(s.http->curl_proxy_url() == "http://proxy.corp:3128");
    CHECK_FALSE(s.https);
    REQUIRE(s.socks);
    CHECK(s.socks->curl_proxy_url() == "socks5h://socks.corp:1080");
    CHECK(s.ignore_hosts == "localhost,127.0.0.0/8,::1");
}

TEST_CASE("GNOME: auto with and without a PAC URL; gsettings missing", "[desktop]") {
    fake::Environment env;
    fake::FileSystem files;
    fake::CommandRunner cmd;
    CHECK(make_gnome_source()->read({env, files, cmd}).mode == Mode::unavailable);
    gsettings(cmd, "org.gnome.system.proxy", "mode", "'auto'");
    gsettings(cmd, "org.gnome.system.proxy", "autoconfig-url", "'http://pac.corp/proxy.pac'");
    gsettings(cmd, "org.gnome.system.proxy", "ignore-hosts", "@as []");
    auto s = make_gnome_source()->read({env, files, cmd});
    CHECK(s.mode == Mode::pac_url);
    CHECK(s.pac_url == "http://pac.corp/proxy.pac");
    gsettings(cmd, "org.gnome.system.proxy", "autoconfig-url", "''");
    CHECK(make_gnome_source()->read({env, files, cmd}).mode == Mode::wpad);
}

TEST_CASE("KDE: kioslaverc proxy types", "[desktop]") {
    auto manual = parse_kioslaverc(
        "[General]\nfoo=bar\n[Proxy Settings]\nProxyType=1\nhttpProxy=http://proxy.corp 8080\n"
        "httpsProxy=proxy.corp:8443\nsocksProxy=socks://s.corp 1080\nNoProxyFor=localhost,.corp\n");
    CHECK(manual.mode == Mode::manual);
    REQUIRE(manual.http);
    CHECK(manual.http->curl_proxy_url() == "http://proxy.corp:8080");
    REQUIRE(manual.https);
    CHECK(manual.https->port == 8443);
    REQUIRE(manual.socks);
    CHECK(manual.socks->curl_proxy_url() == "socks5h://s.corp:1080");
    CHECK(manual.ignore_hosts == "localhost,.corp");

    auto pac = parse_kioslaverc("[Proxy Settings]\nProxyType=2\nProxy Config Script=http://pac/p.pac\n");
    CHECK(pac.mode == Mode::pac_url);
    CHECK(pac.pac_url == "http://pac/p.pac");
    CHECK(parse_kioslaverc("[Proxy Settings]\nProxyType=3\n").mode == Mode::wpad);
    CHECK(parse_kioslaverc("[Proxy Settings]\nProxyType=0\n").mode == Mode::none);
    CHECK(parse_kioslaverc("").mode == Mode::none);
}

TEST_CASE("KDE source finds kioslaverc under XDG_CONFIG_HOME", "[desktop]") {
    fake::Environment env;
    fake::FileSystem files;
    fake::CommandRunner cmd;
    env.vars = {{"XDG_CONFIG_HOME", "/home/u/.config"}, {"HOME", "/home/u"}};
    files.files["/home/u/.config/kioslaverc"] = "[Proxy Settings]\nProxyType=3\n";
    auto s = make_kde_source()->read({env, files, cmd});
    CHECK(s.mode == Mode::wpad);
    CHECK(s.detail.find("/home/u/.config/kioslaverc") != std::string::npos);
}

TEST_CASE("Linux desktop source picks KDE or GNOME", "[desktop]") {
    fake::Environment env;
    fake::FileSystem files;
    fake::CommandRunner cmd;
    gsettings(cmd, "org.gnome.system.proxy", "mode", "'none'");
    env.vars = {{"HOME", "/h"}};
    files.files["/h/.config/kioslaverc"] = "[Proxy Settings]\nProxyType=3\n";
    auto src = make_linux_desktop_source();
    CHECK(src->read({env, files, cmd}).mode == Mode::none);  // GNOME by default
    env.vars["XDG_CURRENT_DESKTOP"] = "KDE";
    CHECK(src->read({env, files, cmd}).mode == Mode::wpad);
}

TEST_CASE("GVariant text from gsettings", "[desktop]") {
    CHECK(parse_gvariant_string("'manual'\n") == "manual");
    CHECK(parse_gvariant_string("8080") == "8080");
    CHECK(parse_gvariant_string_list("['a', 'b.c', '*.d']") == V{"a", "b.c", "*.d"});
    CHECK(parse_gvariant_string_list("@as []").empty());
}

TEST_CASE("resolv.conf search domains", "[desktop]") {
    CHECK(parse_resolv_conf_search("nameserver 1.2.3.4\nsearch Corp.Example.com. lab.example.com\n") ==
          V{"corp.example.com", "lab.example.com"});
    CHECK(parse_resolv_conf_search("search a.b\ndomain c.d\n") == V{"c.d"});  // last wins
    CHECK(parse_resolv_conf_search("nameserver 1.1.1.1\n").empty());
}

TEST_CASE("WPAD host list: devolution bounded by the admin", "[desktop]") {
    struct Row {
        V domains;
        const char* limit;
        V hosts;
        std::size_t skipped;
    };
    const Row rows[] = {
        {{"a.b.corp.example.com"}, "corp.example.com",
         {"wpad.a.b.corp.example.com", "wpad.b.corp.example.com", "wpad.corp.example.com"}, 0},
        {{"a.b.corp.example.com"}, "", {"wpad.a.b.corp.example.com"}, 0},
        {{"hotel.net"}, "corp.example.com", {}, 1},
        {{"corp.example.com"}, "corp.example.com", {"wpad.corp.example.com"}, 0},
        {{"localdomain"}, "", {}, 1},
        {{"x.corp.example.com", "corp.example.com"}, "corp.example.com",
         {"wpad.x.corp.example.com", "wpad.corp.example.com"}, 0},
        {{"notcorp.example.com"}, "corp.example.com", {}, 1},
    };
    for (const auto& r : rows) {
        INFO(r.domains.front() << " limit '" << r.limit << "'");
        auto w = wpad_hosts(r.domains, r.limit);
        CHECK(w.hosts == r.hosts);
        CHECK(w.skipped.size() == r.skipped);
    }
}

TEST_CASE("Windows proxy list: one proxy for all, or per scheme", "[desktop]") {
    struct Row { std::string list; std::string http, https, socks; };
    std::vector<Row> rows = {
        {"proxy.corp:8080", "PROXY proxy.corp:8080", "PROXY proxy.corp:8080", ""},
        {"http=a:1;https=b:2;socks=c:3", "PROXY a:1", "PROXY b:2", "SOCKS4 c:3"},
        {"http=a:1 https=b:2", "PROXY a:1", "PROXY b:2", ""},
        {"https=b:2;ftp=f:21", "", "PROXY b:2", ""},
        {"http=;https=b:2", "", "PROXY b:2", ""},
        {"10.0.0.1:3128;10.0.0.2:3128", "PROXY 10.0.0.1:3128", "PROXY 10.0.0.1:3128", ""},
    };
    for (auto& r : rows) {
        INFO(r.list);
        SystemProxySettings s;
        parse_windows_proxy_list(r.list, s);
        CHECK((s.http ? s.http->pac_string() : "") == r.http);
        CHECK((s.https ? s.https->pac_string() : "") == r.https);
        CHECK((s.socks ? s.socks->pac_string() : "") == r.socks);
    }
    SystemProxySettings bad;
    CHECK_THROWS_AS(parse_windows_proxy_list("http=a:99999", bad), UrlError);
}
