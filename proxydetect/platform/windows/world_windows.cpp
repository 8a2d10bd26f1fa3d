// The real world of the Windows build (world.h, system.h): environment,
// files, DNS (Winsock), PAC downloads (WinHTTP, never through a proxy),
// adapters and DNS suffixes (iphlpapi), and Detector::from_system. There are
// no desktop tools to run: the settings come from WinHTTP (winhttp_source.cpp).
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
#include <windows.h>
#include <winhttp.h>
#include <shlobj.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bounded_resolver.h"
#include "http1/http1.h"
#include "platform/windows_text.h"
#include "proxydetect/detector.h"
#include "proxydetect/explain.h"
#include "proxydetect/system.h"
#include "proxydetect/url.h"

namespace proxydetect {
namespace {

class WindowsEnvironment : public Environment {
public:
    std::optional<std::string> get(const std::string& name) const override {
        std::wstring wname = platform::to_utf16(name);
        DWORD n = GetEnvironmentVariableW(wname.c_str(), nullptr, 0);
        if (n == 0) return GetLastError() == ERROR_ENVVAR_NOT_FOUND ? std::nullopt : std::optional<std::string>("");
        std::wstring v(n, L'\0');
        v.resize(GetEnvironmentVariableW(wname.c_str(), &v[0], n));
        return platform::to_utf8(v);
    }
};

class WindowsFiles : public FileSystem {
public:
    std::optional<std::string> read(const std::string& path, std::string* error) const override {
        std::ifstream f(std::filesystem::u8path(path), std::ios::binary);
        if (!f) {
            if (error) *error = "cannot open it";
            return std::nullopt;
        }
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    }
};

std::string numeric(const sockaddr* sa, int len) {
    char buf[NI_MAXHOST];
    if (getnameinfo(sa, len, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST) != 0) return "";
    std::string s = buf;
    auto pct = s.find('%');  // IPv6 zone ids mean nothing to PAC functions
    return pct == std::string::npos ? s : s.substr(0, pct);
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
    if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// GetAddrInfoW (names are UTF-16 on Windows), numeric answers without
// duplicates (BoundedResolver's lookup). Winsock is started once, here.
std::vector<std::string> lookup_host(const std::string& host) {
    static const bool started = [] {
        WSADATA d;
        return WSAStartup(MAKEWORD(2, 2), &d) == 0;  // reference counted; the process's end cleans up
    }();
    std::vector<std::string> out;
    ADDRINFOW hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    ADDRINFOW* res = nullptr;
    if (!started || GetAddrInfoW(platform::to_utf16(host).c_str(), nullptr, &hints, &res) != 0) return out;
    for (auto* p = res; p; p = p->ai_next) add_unique(out, numeric(p->ai_addr, static_cast<int>(p->ai_addrlen)));
    FreeAddrInfoW(res);
    return out;
}

struct Handle {
    HINTERNET h;
    ~Handle() { if (h) WinHttpCloseHandle(h); }
};

// A direct GET with WinHTTP (PAC scripts are small and Content-Length or
// close-delimited; wine's late chunks do not matter for a whole download).
class WinHttpFetcher : public HttpFetcher {
public:
    HttpResponse get(const std::string& text, std::chrono::milliseconds timeout, std::size_t max_bytes) override {
        HttpResponse r;
        Url u;
        try { u = parse_url(text); } catch (const std::exception& e) { r.error = e.what(); return r; }
        if (u.scheme != "http" && u.scheme != "https") { r.error = "only http and https PAC URLs"; return r; }
        Handle session{WinHttpOpen(platform::to_utf16(http1::user_agent("Windows")).c_str(),
                                   WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0)};
        int t = static_cast<int>(timeout.count());
        if (session.h) WinHttpSetTimeouts(session.h, t, t, t, t);
        Handle conn{session.h ? WinHttpConnect(session.h, platform::to_utf16(u.host).c_str(), u.port, 0) : nullptr};
        Handle req{conn.h ? WinHttpOpenRequest(conn.h, L"GET", platform::to_utf16(u.path).c_str(), nullptr,
                                               WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
                                               u.scheme == "https" ? WINHTTP_FLAG_SECURE : 0)
                          : nullptr};
        if (!req.h || !WinHttpSendRequest(req.h, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0) ||
            !WinHttpReceiveResponse(req.h, nullptr)) {
            r.error = describe(GetLastError(), timeout);
            return r;
        }
        DWORD status = 0, size = sizeof status;
        WinHttpQueryHeaders(req.h, WINHTTP_QUERY_STATUS_CODE | WINHTTP_QUERY_FLAG_NUMBER, WINHTTP_HEADER_NAME_BY_INDEX,
                            &status, &size, WINHTTP_NO_HEADER_INDEX);
        r.status = static_cast<int>(status);
        if (!read_body(req.h, max_bytes, r)) return r;
        r.ok = status >= 200 && status < 300;
        if (!r.ok) r.error = "HTTP status " + std::to_string(status);
        return r;
    }

private:
    static bool read_body(HINTERNET req, std::size_t max_bytes, HttpResponse& r) {
        char buf[16384];
        for (DWORD n = 0;; ) {
            if (!WinHttpReadData(req, buf, sizeof buf, &n)) { r.error = "the download broke off"; return false; }
            if (n == 0) return true;
            if (r.body.size() + n > max_bytes) {
                r.error = "response larger than " + std::to_string(max_bytes) + " bytes";
                return false;
            }
            r.body.append(buf, n);
        }
    }
    static std::string describe(DWORD code, std::chrono::milliseconds timeout) {
        switch (code) {
        case ERROR_WINHTTP_CANNOT_CONNECT: return "could not connect (nothing listening, or filtered)";
        case ERROR_WINHTTP_TIMEOUT: return "no complete answer within " + std::to_string(timeout.count()) + " ms";
        case ERROR_WINHTTP_NAME_NOT_RESOLVED: return "the name does not resolve";
        case ERROR_WINHTTP_SECURE_FAILURE: return "the server's certificate is not trusted";
        default: return "request failed (WinHTTP error " + std::to_string(code) + ")";
        }
    }
};

// Programs are not how Windows keeps proxy settings: nothing to run.
class NoCommands : public CommandRunner {
public:
    std::optional<std::string> run(const std::vector<std::string>&) override { return std::nullopt; }
};

class WindowsNetwork : public NetworkInfo {
public:
    explicit WindowsNetwork(std::vector<std::string> search) : search_(std::move(search)) {}

    // Adapters that are up, in the system's order: unicast addresses
    // (loopback and link-local left out) and their DNS suffixes.
    std::vector<std::string> local_addresses() override { return scan().addresses; }
    std::vector<std::string> search_domains() override {
        if (!search_.empty()) return search_;
        std::vector<std::string> out;
        FIXED_INFO fixed[4];  // the primary DNS suffix first, as Windows devolves it
        ULONG len = sizeof fixed;
        if (GetNetworkParams(fixed, &len) == ERROR_SUCCESS) add_unique(out, normalise_host(fixed[0].DomainName));
        for (auto& d : scan().suffixes) add_unique(out, d);
        return out;
    }

    // WPAD via DHCP (option 252): WinHTTP asks the DHCP client service.
    // DHCP only: the DNS part of WPAD is ours (bounded devolution, wpad.h).
    std::vector<std::string> dhcp_wpad_urls() override {
        LPWSTR url = nullptr;
        if (!WinHttpDetectAutoProxyConfigUrl(WINHTTP_AUTO_DETECT_TYPE_DHCP, &url) || !url) return {};
        std::string u = platform::to_utf8(url);
        GlobalFree(url);
        return {u};
    }

private:
    struct Scan { std::vector<std::string> addresses, suffixes; };
    static Scan scan() {
        Scan s;
        ULONG len = 32 * 1024;
        std::vector<unsigned char> buf(len);
        auto* first = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.data());
        ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
        if (GetAdaptersAddresses(AF_UNSPEC, flags, nullptr, first, &len) != ERROR_SUCCESS) return s;
        for (auto* a = first; a; a = a->Next) {
            if (a->OperStatus != IfOperStatusUp || a->IfType == IF_TYPE_SOFTWARE_LOOPBACK) continue;
            if (a->DnsSuffix && *a->DnsSuffix) add_unique(s.suffixes, normalise_host(platform::to_utf8(a->DnsSuffix)));
            for (auto* u = a->FirstUnicastAddress; u; u = u->Next) {
                std::string ip = numeric(u->Address.lpSockaddr, u->Address.iSockaddrLength);
                if (ip.rfind("fe80:", 0) != 0 && ip.rfind("169.254.", 0) != 0) add_unique(s.addresses, ip);
            }
        }
        return s;
    }
    std::vector<std::string> search_;
};

class SteadyClock : public Clock {
public:
    std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace

std::unique_ptr<Environment> make_system_environment() { return std::make_unique<WindowsEnvironment>(); }
std::unique_ptr<FileSystem> make_system_files() { return std::make_unique<WindowsFiles>(); }
std::unique_ptr<Resolver> make_system_resolver(std::map<std::string, std::vector<std::string>> o) {
    return std::make_unique<BoundedResolver>(std::move(o), lookup_host);
}
std::unique_ptr<HttpFetcher> make_system_http(Resolver&) { return std::make_unique<WinHttpFetcher>(); }
std::unique_ptr<CommandRunner> make_system_commands() { return std::make_unique<NoCommands>(); }
std::unique_ptr<NetworkInfo> make_system_network(std::vector<std::string> s) {
    return std::make_unique<WindowsNetwork>(std::move(s));
}
std::unique_ptr<Clock> make_system_clock() { return std::make_unique<SteadyClock>(); }

std::string default_config_path() {
    PWSTR dir = nullptr;
    std::string out = "C:\\ProgramData";
    if (SHGetKnownFolderPath(FOLDERID_ProgramData, 0, nullptr, &dir) == S_OK) out = platform::to_utf8(dir);
    CoTaskMemFree(dir);
    return out + "\\Tether\\proxy.conf";
}

// The order Windows users expect: proxy.conf (the admin's), the
// environment, then the Internet Options (script, detection, fixed proxy),
// then WPAD when detection is on. One Detector, the same as on Linux.
std::unique_ptr<Detector> Detector::from_system(Config config, SystemOptions o) {
    World w;
    w.env = make_system_environment();
    w.files = make_system_files();
    w.dns = make_system_resolver(o.resolve_overrides);
    w.http = make_system_http(*w.dns);
    w.commands = make_system_commands();
    w.net = make_system_network(o.search_domains);
    w.clock = make_system_clock();
    w.desktop = make_platform_source();
    if (config.pac_timeout) o.pac_limits.wall = *config.pac_timeout;  // proxy.conf beats the default
    w.pac = make_winhttp_evaluator(o.pac_limits);
    o.detector.order = SourceOrder::system_first;
    // The implicit bypass holds here too (Windows bypasses loopback by
    // itself); <-loopback> in the Internet Options' bypass list or in
    // proxy.conf's no_proxy lifts it, as in Windows and Chromium.
    return std::make_unique<Detector>(std::move(config), std::move(w), o.detector);
}

}  // namespace proxydetect
