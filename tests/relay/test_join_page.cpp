// The customers' join page and downloads (docs/RELAY.md "Join page"): what
// the page lists, its headers, that nothing of a request is written into
// it, and that /downloads/ serves only regular files directly inside
// --downloads-dir, whatever path a client sends.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "join_page.h"
#include "raw_client.h"
#include "relay_harness.h"

using namespace relay_test;

namespace {

void write_file(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

// A downloads directory with two client builds, and things that must not
// be served: a secret beside it, a symlink to it, a hidden file, a subfolder.
struct Downloads {
    TempDir root;
    std::string dir = root.path() + "/downloads";
    std::string exe_bytes;
    Downloads() {
        ::mkdir(dir.c_str(), 0755);
        for (int i = 0; i < 200 * 1024; ++i) exe_bytes.push_back(static_cast<char>(i * 7 % 251));  // several pieces
        write_file(dir + "/tether-client-setup.exe", exe_bytes);
        write_file(dir + "/tether-client_0.1.0_amd64.deb", "deb");
        write_file(dir + "/.hidden.exe", "hidden");
        write_file(root.path() + "/secret.txt", "SECRET");
        ::symlink((root.path() + "/secret.txt").c_str(), (dir + "/leak.exe").c_str());
        ::symlink("/etc/passwd", (dir + "/passwd.deb").c_str());
        ::mkdir((dir + "/sub").c_str(), 0755);
        write_file(dir + "/sub/inner.exe", "inner");
    }
};

// The status of a GET with this exact target, sent byte for byte.
int raw_get(Harness& h, const std::string& target, std::string* body = nullptr) {
    RawTls c(h.port(), h.ca_file());
    REQUIRE(c.send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    const int status = c.status();
    if (body) *body = c.body();
    return status;
}

}  // namespace

TEST_CASE("download names: one entry of the directory, never a path", "[join_page]") {
    struct Row {
        const char* name;
        bool safe;
    };
    const Row rows[] = {
        {"tether-client-setup.exe", true}, {"tether-client_0.1.0_amd64.deb", true}, {"a+b.tar.gz", true},
        {"", false}, {".", false}, {"..", false}, {".hidden", false}, {"../secret", false}, {"a/b", false},
        {"%2e%2e", false}, {"..%2fsecret", false}, {"a b.exe", false}, {"a\\b.exe", false}, {"a\"b.exe", false},
        {"<script>.exe", false}, {"a\r\nSet-Cookie:x", false},
    };
    for (const Row& r : rows) {
        INFO(r.name);
        CHECK(relay::safe_download_name(r.name) == r.safe);
    }
    CHECK_FALSE(relay::safe_download_name(std::string(relay::kMaxDownloadName + 1, 'a')));
}

TEST_CASE("downloads: the system by file name, the type by extension", "[join_page]") {
    CHECK(relay::download_os("tether-client-setup.exe") == "windows");
    CHECK(relay::download_os("Tether.MSI") == "windows");
    CHECK(relay::download_os("tether-client_0.1.0_amd64.deb") == "linux");
    CHECK(relay::download_os("tether-linux-x86_64.AppImage") == "linux");
    CHECK(relay::download_os("Tether.dmg") == "macos");
    CHECK(relay::download_os("README.txt") == "");
    CHECK(relay::download_content_type("a.exe") == "application/vnd.microsoft.portable-executable");
    CHECK(relay::download_content_type("a.deb") == "application/vnd.debian.binary-package");
    CHECK(relay::download_content_type("a.bin") == "application/octet-stream");
}

TEST_CASE("join links are built only from 6 to 9 digits", "[join_page]") {
    CHECK(relay::join_link("123456") == std::optional<std::string>("tether://join/123456"));
    CHECK(relay::join_link("123456789") == std::optional<std::string>("tether://join/123456789"));
    CHECK_FALSE(relay::join_link("12345"));
    CHECK_FALSE(relay::join_link("123456\"><script>"));
}

TEST_CASE("the page lists the regular files only, with their system", "[join_page]") {
    Downloads d;
    const auto list = relay::list_downloads(d.dir);
    REQUIRE(list.size() == 2);
    CHECK(list[0].name == "tether-client-setup.exe");
    CHECK(list[0].os == "windows");
    CHECK(list[0].bytes == d.exe_bytes.size());
    CHECK(list[1].name == "tether-client_0.1.0_amd64.deb");
    CHECK(list[1].os == "linux");
    CHECK(relay::list_downloads("").empty());
    CHECK(relay::list_downloads(d.root.path() + "/missing").empty());
}

TEST_CASE("GET / is the join page: strict policy, own assets only, no request echoed", "[join_page]") {
    Downloads d;
    Harness h([&](relay::Config& c) { c.downloads_dir = d.dir; });
    auto res = h.client()->Get("/");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(res->get_header_value("Content-Security-Policy") == relay::kJoinPagePolicy);
    CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK(res->get_header_value("X-Frame-Options") == "DENY");
    CHECK(res->body.find("href=\"/downloads/tether-client-setup.exe\"") != std::string::npos);
    CHECK(res->body.find("href=\"/downloads/tether-client_0.1.0_amd64.deb\"") != std::string::npos);
    CHECK(res->body.find("leak.exe") == std::string::npos);
    CHECK(res->body.find("inner.exe") == std::string::npos);
    // No external resources and no inline script: every src/href is ours.
    CHECK(res->body.find("http://") == std::string::npos);
    CHECK(res->body.find("https://") == std::string::npos);
    CHECK(res->body.find("<script>") == std::string::npos);
    CHECK(res->body.find("style=") == std::string::npos);

    // A query is never written into the page: the page is the same bytes.
    auto hostile = h.client()->Get("/?code=%3Cscript%3Ealert(1)%3C/script%3E&x=\"><img>");
    REQUIRE(hostile);
    CHECK(hostile->body == res->body);

    for (const char* asset : {"/join.js", "/join.css"}) {
        auto a = h.client()->Get(asset);
        REQUIRE(a);
        CHECK(a->status == 200);
        CHECK(a->get_header_value("X-Content-Type-Options") == "nosniff");
    }
    CHECK(h.client()->Get("/join.js")->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
}

TEST_CASE("GET /join?code= leads to the tether:// link, anything else back to /", "[join_page]") {
    Harness h;
    struct Row {
        const char* target;
        const char* location;
    };
    const Row rows[] = {
        {"/join?code=123456", "tether://join/123456"},
        {"/join?code=482+913", "tether://join/482913"},
        {"/join?code=482%20913", "tether://join/482913"},
        {"/join?code=123456789", "tether://join/123456789"},
        {"/join?code=12345", "/"},
        {"/join?code=%3Cscript%3E", "/"},
        {"/join?code=123456%0d%0aSet-Cookie:%20x", "/"},
        {"/join", "/"},
    };
    for (const Row& r : rows) {
        INFO(r.target);
        RawTls c(h.port(), h.ca_file());
        REQUIRE(c.send(std::string("GET ") + r.target + " HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        CHECK(c.status() == 303);
        std::smatch m;
        REQUIRE(std::regex_search(c.head(), m, std::regex("\r\nLocation: ([^\r]*)\r\n", std::regex::icase)));
        CHECK(m[1] == r.location);
    }
}

TEST_CASE("GET /downloads/NAME sends the file as an attachment", "[join_page]") {
    Downloads d;
    Harness h([&](relay::Config& c) { c.downloads_dir = d.dir; });
    auto res = h.client()->Get("/downloads/tether-client-setup.exe");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "application/vnd.microsoft.portable-executable");
    CHECK(res->get_header_value("Content-Disposition") == "attachment; filename=\"tether-client-setup.exe\"");
    CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK(res->body == d.exe_bytes);
    auto deb = h.client()->Get("/downloads/tether-client_0.1.0_amd64.deb");
    REQUIRE(deb);
    CHECK(deb->body == "deb");
    CHECK(deb->get_header_value("Content-Type") == "application/vnd.debian.binary-package");
}

TEST_CASE("hostile download paths get 404 and never a byte from outside", "[join_page]") {
    Downloads d;
    Harness h([&](relay::Config& c) { c.downloads_dir = d.dir; });
    const char* targets[] = {
        "/downloads/../secret.txt",
        "/downloads/..%2fsecret.txt",
        "/downloads/%2e%2e/secret.txt",
        "/downloads/%2e%2e%2fsecret.txt",
        "/downloads/..%5csecret.txt",
        "/downloads/leak.exe",          // symlink out of the directory
        "/downloads/passwd.deb",        // symlink to /etc/passwd
        "/downloads/sub/inner.exe",     // not directly inside
        "/downloads/sub",
        "/downloads/.hidden.exe",
        "/downloads/missing.exe",
        "/downloads/tether-client-setup.exe%00.txt",
        "/downloads//etc/passwd",
        "/downloads/./tether-client-setup.exe",
    };
    for (const char* t : targets) {
        INFO(t);
        std::string body;
        CHECK(raw_get(h, t, &body) == 404);
        CHECK(body.find("SECRET") == std::string::npos);
        CHECK(body.find("root:") == std::string::npos);
    }
    // /downloads/ itself leads to the page that lists them.
    CHECK(raw_get(h, "/downloads/") == 303);
}

TEST_CASE("without --downloads-dir the page says so and /downloads/ has nothing", "[join_page]") {
    Harness h;
    auto res = h.client()->Get("/");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body.find("id=\"no-downloads\"") != std::string::npos);
    CHECK(raw_get(h, "/downloads/tether-client-setup.exe") == 404);
}
