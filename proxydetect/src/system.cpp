// Real implementations of the world.h interfaces, and Detector::from_system.
#include "proxydetect/system.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <glob.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <httplib.h>
#include <sstream>

#include "proxydetect/detector.h"
#include "proxydetect/url.h"
#include "proxydetect/wpad.h"
#include "bounded_resolver.h"
#include "process.h"
#include "proxydetect/explain.h"

extern char** environ;

namespace proxydetect {

namespace {

class SystemEnvironment : public Environment {
public:
    std::optional<std::string> get(const std::string& name) const override {
        const char* v = std::getenv(name.c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    }
};

class SystemFiles : public FileSystem {
public:
    std::optional<std::string> read(const std::string& path, std::string* error) const override {
        std::ifstream f(path, std::ios::binary);
        if (!f) {
            if (error) *error = std::strerror(errno);
            return std::nullopt;
        }
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    }
};

void add_unique(std::vector<std::string>& v, const std::string& s) {
    if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

std::string numeric(const sockaddr* sa, socklen_t len) {
    char buf[NI_MAXHOST];
    if (getnameinfo(sa, len, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST) != 0) return "";
    std::string s = buf;
    auto pct = s.find('%');  // drop IPv6 zone ids: PAC functions do not know them
    return pct == std::string::npos ? s : s.substr(0, pct);
}

// getaddrinfo, numeric answers without duplicates (BoundedResolver's lookup).
std::vector<std::string> lookup_host(const std::string& host) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    std::vector<std::string> out;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return out;
    for (auto* p = res; p; p = p->ai_next) {
        auto s = numeric(p->ai_addr, p->ai_addrlen);
        if (!s.empty()) add_unique(out, s);
    }
    freeaddrinfo(res);
    return out;
}

class HttplibFetcher : public HttpFetcher {
public:
    explicit HttplibFetcher(Resolver& dns) : dns_(dns) {}
    HttpResponse get(const std::string& text, std::chrono::milliseconds timeout, std::size_t max_bytes) override {
        HttpResponse r;
        Url u;
        try { u = parse_url(text); } catch (const std::exception& e) { r.error = e.what(); return r; }
        if (u.scheme != "http" && u.scheme != "https") { r.error = "only http and https PAC URLs"; return r; }
        httplib::Client cli(u.scheme + "://" + u.authority());
        if (!u.host_is_ipv6() && u.host.find_first_not_of("0123456789.") != std::string::npos) {
            auto addrs = dns_.resolve(u.host);  // our resolver, so overrides and fakes apply
            if (addrs.empty()) { r.error = u.host + " does not resolve"; return r; }
            cli.set_hostname_addr_map({{u.host, addrs.front()}});
        }
        cli.set_connection_timeout(timeout);
        cli.set_read_timeout(timeout);
        cli.set_write_timeout(timeout);
        cli.set_follow_location(true);
        std::string body;
        bool too_big = false;
        auto res = cli.Get(u.path, [&](const char* data, size_t len) {
            if (body.size() + len > max_bytes) { too_big = true; return false; }
            body.append(data, len);
            return true;
        });
        if (too_big) { r.error = "response larger than " + std::to_string(max_bytes) + " bytes"; return r; }
        if (!res) { r.error = describe(res.error(), timeout); return r; }
        r.status = res->status;
        r.ok = res->status >= 200 && res->status < 300;
        if (!r.ok) r.error = "HTTP status " + std::to_string(res->status);
        r.body = std::move(body);
        return r;
    }

private:
    static std::string describe(httplib::Error e, std::chrono::milliseconds timeout) {
        switch (e) {
        case httplib::Error::Connection: return "could not connect (nothing listening, or filtered)";
        case httplib::Error::Read: return "no complete answer within " + std::to_string(timeout.count()) + " ms";
        case httplib::Error::SSLConnection: return "TLS handshake failed";
        case httplib::Error::SSLServerVerification: return "the server's certificate is not trusted";
        default: return "request failed (" + httplib::to_string(e) + ")";
        }
    }
    Resolver& dns_;
};

// Runs a short-lived command (gsettings); stdout only, bounded in time.
class SystemCommands : public CommandRunner {
public:
    std::optional<std::string> run(const std::vector<std::string>& argv) override {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        pid_t pid;
        int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        close(fds[1]);
        if (rc != 0) { close(fds[0]); return std::nullopt; }
        bool eof = false;
        std::string out = read_all(fds[0], eof);
        close(fds[0]);
        // Closed its output: it is exiting, let it. Timed out: stop it now.
        int status = reap_within(pid, std::chrono::milliseconds(eof ? kTimeoutMs : 0));
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
        return out;
    }

private:
    // A desktop settings tool answers in milliseconds; 2 s means it is stuck
    // (e.g. waiting for a D-Bus session that does not exist).
    static constexpr int kTimeoutMs = 2000;
    static std::string read_all(int fd, bool& eof) {
        std::string out;
        char buf[4096];
        for (;;) {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, kTimeoutMs) <= 0) break;
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0) { eof = n == 0; break; }
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }
};

// The source address the kernel picks to reach `dest`: connect() on a UDP
// socket selects a route without sending anything.
std::string route_source(int family, const char* dest) {
    int s = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return "";
    sockaddr_storage ss{};
    socklen_t len;
    if (family == AF_INET) {
        auto* a = reinterpret_cast<sockaddr_in*>(&ss);
        a->sin_family = AF_INET;
        a->sin_port = htons(53);
        inet_pton(AF_INET, dest, &a->sin_addr);
        len = sizeof *a;
    } else {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(53);
        inet_pton(AF_INET6, dest, &a->sin6_addr);
        len = sizeof *a;
    }
    std::string out;
    if (connect(s, reinterpret_cast<sockaddr*>(&ss), len) == 0) {
        sockaddr_storage local{};
        socklen_t llen = sizeof local;
        if (getsockname(s, reinterpret_cast<sockaddr*>(&local), &llen) == 0)
            out = numeric(reinterpret_cast<sockaddr*>(&local), llen);
    }
    close(s);
    return out;
}

class SystemNetwork : public NetworkInfo {
public:
    explicit SystemNetwork(std::vector<std::string> search) : search_(std::move(search)) {}

    std::vector<std::string> local_addresses() override {
        std::vector<std::string> out;
        // Public resolver addresses stand for "the internet": the default route.
        for (auto [family, dest] : {std::pair{AF_INET, "8.8.8.8"}, std::pair{AF_INET6, "2001:4860:4860::8888"}}) {
            auto a = route_source(family, dest);
            if (!a.empty() && a != "0.0.0.0" && a != "::") add_unique(out, a);
        }
        ifaddrs* ifs = nullptr;
        if (getifaddrs(&ifs) != 0) return out;
        for (auto* i = ifs; i; i = i->ifa_next) {
            if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6)) continue;
            socklen_t len = i->ifa_addr->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
            auto a = numeric(i->ifa_addr, len);
            if (a.empty() || a == "127.0.0.1" || a == "::1" || a.rfind("fe80:", 0) == 0) continue;
            add_unique(out, a);
        }
        freeifaddrs(ifs);
        return out;
    }

    std::vector<std::string> search_domains() override {
        if (!search_.empty()) return search_;
        SystemFiles files;
        auto text = files.read("/etc/resolv.conf", nullptr);
        return text ? parse_resolv_conf_search(*text) : std::vector<std::string>{};
    }

    // The DHCP clients' lease files, newest first (wpad.h).
    std::vector<std::string> dhcp_wpad_urls() override {
        std::vector<std::pair<long long, std::string>> files;  // (mtime, path)
        for (const std::string& pattern : dhcp_lease_globs()) {
            glob_t g{};
            if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
                for (std::size_t i = 0; i < g.gl_pathc; ++i) {
                    struct stat st {};
                    if (::stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode))
                        files.emplace_back(static_cast<long long>(st.st_mtime), g.gl_pathv[i]);
                }
            globfree(&g);
        }
        std::sort(files.begin(), files.end(), [](auto& a, auto& b) { return a.first > b.first; });
        std::vector<std::string> out;
        SystemFiles read;
        for (const auto& [mtime, path] : files)
            if (auto text = read.read(path, nullptr))
                if (auto url = wpad_url_from_lease(*text)) add_unique(out, *url);
        return out;
    }

private:
    std::vector<std::string> search_;
};

class SystemClock : public Clock {
public:
    std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace

std::vector<std::string> parse_resolv_conf_search(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    std::vector<std::string> out;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string key, d;
        words >> key;
        if (key != "search" && key != "domain") continue;
        out.clear();  // the last search/domain line wins
        while (words >> d) {
            if (d[0] == '#' || d[0] == ';') break;
            out.push_back(normalise_host(d));
        }
    }
    return out;
}

std::unique_ptr<Environment> make_system_environment() { return std::make_unique<SystemEnvironment>(); }
std::unique_ptr<FileSystem> make_system_files() { return std::make_unique<SystemFiles>(); }
std::unique_ptr<Resolver> make_system_resolver(std::map<std::string, std::vector<std::string>> o) {
    return std::make_unique<BoundedResolver>(std::move(o), lookup_host);
}
std::unique_ptr<HttpFetcher> make_system_http(Resolver& dns) { return std::make_unique<HttplibFetcher>(dns); }
std::unique_ptr<CommandRunner> make_system_commands() { return std::make_unique<SystemCommands>(); }
std::unique_ptr<NetworkInfo> make_system_network(std::vector<std::string> s) {
    return std::make_unique<SystemNetwork>(std::move(s));
}
std::unique_ptr<Clock> make_system_clock() { return std::make_unique<SystemClock>(); }

std::string default_config_path() { return "/etc/tether/proxy.conf"; }

std::unique_ptr<Detector> Detector::from_system(Config config, SystemOptions o) {
    World w;
    w.env = make_system_environment();
    w.files = make_system_files();
    w.dns = make_system_resolver(o.resolve_overrides);
    w.http = make_system_http(*w.dns);  // w.dns is owned by the same World
    w.commands = make_system_commands();
    w.net = make_system_network(o.search_domains);
    w.clock = make_system_clock();
    w.desktop = make_linux_desktop_source();
    if (config.pac_timeout) o.pac_limits.wall = *config.pac_timeout;  // proxy.conf beats the default
    w.pac = make_helper_evaluator(locate_pac_helper(o.pac_helper), o.pac_limits);
    return std::make_unique<Detector>(std::move(config), std::move(w), o.detector);
}

}  // namespace proxydetect
