// Windows backend of SystemProxySource (WinHTTP). NOT BUILT HERE: Linux has
// no winhttp.h. Compiles on Windows once added to the proxydetect target;
// see ../README.md for the mapping. Kept small and complete enough to be
// finished and tested on a Windows builder.
#include <windows.h>
#include <winhttp.h>

#include <string>

#include "proxydetect/system_proxy.h"

namespace proxydetect {

namespace {

std::string narrow(const wchar_t* w) {
    if (!w) return "";
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, nullptr, 0, nullptr, nullptr);
    std::string s(n > 0 ? n - 1 : 0, '\0');
    if (n > 1) WideCharToMultiByte(CP_UTF8, 0, w, -1, s.data(), n, nullptr, nullptr);
    return s;
}

// "http=a:1;https=b:2;socks=c:3" or a single "a:1" for every scheme.
void parse_proxy_list(const std::string& list, SystemProxySettings& s) {
    if (list.find('=') == std::string::npos) {
        s.http = s.https = parse_proxy_url(list, "WinHTTP proxy");
        return;
    }
    size_t start = 0;
    while (start < list.size()) {
        size_t end = list.find_first_of("; ", start);
        std::string item = list.substr(start, end - start);
        auto eq = item.find('=');
        if (eq != std::string::npos) {
            std::string scheme = item.substr(0, eq), addr = item.substr(eq + 1);
            if (scheme == "http") s.http = parse_proxy_url(addr, "WinHTTP http");
            else if (scheme == "https") s.https = parse_proxy_url(addr, "WinHTTP https");
            else if (scheme == "socks") s.socks = parse_proxy_url("socks4://" + addr, "WinHTTP socks");
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
}

class WinHttpSource : public SystemProxySource {
public:
    std::string name() const override { return "Windows (WinHTTP)"; }

    SystemProxySettings read(const SystemContext&) override {
        SystemProxySettings s;
        WINHTTP_CURRENT_USER_IE_PROXY_CONFIG cfg{};
        if (!WinHttpGetIEProxyConfigForCurrentUser(&cfg)) {
            s.detail = "WinHttpGetIEProxyConfigForCurrentUser failed: " + std::to_string(GetLastError());
            return s;
        }
        std::string pac = narrow(cfg.lpszAutoConfigUrl), proxy = narrow(cfg.lpszProxy);
        s.ignore_hosts = narrow(cfg.lpszProxyBypass);  // ';'-separated, <local> included
        if (!pac.empty()) { s.mode = SystemProxySettings::Mode::pac_url; s.pac_url = pac; }
        else if (cfg.fAutoDetect) s.mode = SystemProxySettings::Mode::wpad;
        else if (!proxy.empty()) { s.mode = SystemProxySettings::Mode::manual; parse_proxy_list(proxy, s); }
        else s.mode = SystemProxySettings::Mode::none;
        s.detail = "auto-detect " + std::string(cfg.fAutoDetect ? "on" : "off") + ", PAC '" + pac +
                   "', proxy '" + proxy + "'";
        for (auto* p : {cfg.lpszAutoConfigUrl, cfg.lpszProxy, cfg.lpszProxyBypass})
            if (p) GlobalFree(p);
        return s;
    }
};

}  // namespace

std::unique_ptr<SystemProxySource> make_platform_source() { return std::make_unique<WinHttpSource>(); }

}  // namespace proxydetect
