// Windows backend of SystemProxySource: the user's Internet Options as
// WinHTTP reads them (WinHttpGetIEProxyConfigForCurrentUser: the
// Connections\DefaultConnectionSettings blob of HKCU\Software\Microsoft\
// Windows\CurrentVersion\Internet Settings; wine 8 reads the same blob and
// ignores ProxyEnable/ProxyServer/AutoConfigURL). Windows applies its
// settings in this order: automatic configuration script, automatic
// detection, then the fixed proxy with its bypass list; so do we.
#include <windows.h>
#include <winhttp.h>

#include <string>

#include "platform/windows_text.h"
#include "proxydetect/errors.h"
#include "proxydetect/system_proxy.h"

namespace proxydetect {

namespace {

std::string text(const wchar_t* w) { return w ? platform::to_utf8(w) : ""; }

// The strings in the config belong to us: freed with GlobalFree.
struct IeConfig {
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG cfg{};
    ~IeConfig() {
        for (auto* p : {cfg.lpszAutoConfigUrl, cfg.lpszProxy, cfg.lpszProxyBypass})
            if (p) GlobalFree(p);
    }
};

class WinHttpSource : public SystemProxySource {
public:
    std::string name() const override { return "Windows (WinHTTP)"; }

    SystemProxySettings read(const SystemContext&) override {
        SystemProxySettings s;
        IeConfig ie;
        if (!WinHttpGetIEProxyConfigForCurrentUser(&ie.cfg)) {
            s.detail = "cannot read the Internet Options (WinHttpGetIEProxyConfigForCurrentUser: error " +
                       std::to_string(GetLastError()) + ")";
            return s;
        }
        std::string pac = text(ie.cfg.lpszAutoConfigUrl), proxy = text(ie.cfg.lpszProxy);
        s.ignore_hosts = text(ie.cfg.lpszProxyBypass);  // ';'-separated; <local> is in our grammar
        s.detail = "Internet Options: automatic detection " + std::string(ie.cfg.fAutoDetect ? "on" : "off") +
                   ", script '" + pac + "', proxy '" + proxy + "', bypass '" + s.ignore_hosts + "'";
        if (!pac.empty()) {
            s.mode = SystemProxySettings::Mode::pac_url;
            s.pac_url = pac;
        } else if (ie.cfg.fAutoDetect) {
            s.mode = SystemProxySettings::Mode::wpad;
        } else if (!proxy.empty()) {
            read_manual(proxy, s);
        } else {
            s.mode = SystemProxySettings::Mode::none;
        }
        return s;
    }

private:
    static void read_manual(const std::string& proxy, SystemProxySettings& s) {
        try {
            parse_windows_proxy_list(proxy, s);
            s.mode = SystemProxySettings::Mode::manual;
        } catch (const UrlError& e) {
            s.mode = SystemProxySettings::Mode::unavailable;
            s.detail += ": the proxy cannot be read (" + std::string(e.what()) +
                        "); fix it in Internet Options > Connections > LAN settings";
        }
    }
};

}  // namespace

std::unique_ptr<SystemProxySource> make_platform_source() { return std::make_unique<WinHttpSource>(); }

}  // namespace proxydetect
