// macOS backend of SystemProxySource (SystemConfiguration). NOT BUILT HERE:
// Linux has no SystemConfiguration framework. Add to the proxydetect target
// on macOS and link "-framework SystemConfiguration -framework
// CoreFoundation"; see ../README.md for the mapping.
#include <CoreFoundation/CoreFoundation.h>
#include <SystemConfiguration/SystemConfiguration.h>

#include <string>

#include "proxydetect/system_proxy.h"

namespace proxydetect {

namespace {

bool flag(CFDictionaryRef d, CFStringRef key) {
    auto n = static_cast<CFNumberRef>(CFDictionaryGetValue(d, key));
    int v = 0;
    return n && CFNumberGetValue(n, kCFNumberIntType, &v) && v != 0;
}

std::string text(CFDictionaryRef d, CFStringRef key) {
    auto s = static_cast<CFStringRef>(CFDictionaryGetValue(d, key));
    if (!s) return "";
    char buf[1024];
    return CFStringGetCString(s, buf, sizeof buf, kCFStringEncodingUTF8) ? buf : "";
}

std::optional<Candidate> manual(CFDictionaryRef d, CFStringRef enable, CFStringRef host, CFStringRef port,
                                const char* scheme, const std::string& source) {
    if (!flag(d, enable)) return std::nullopt;
    auto n = static_cast<CFNumberRef>(CFDictionaryGetValue(d, port));
    int p = 0;
    if (n) CFNumberGetValue(n, kCFNumberIntType, &p);
    return parse_proxy_url(std::string(scheme) + "://" + text(d, host) + ":" + std::to_string(p), source);
}

class SystemConfigurationSource : public SystemProxySource {
public:
    std::string name() const override { return "macOS (SystemConfiguration)"; }

    SystemProxySettings read(const SystemContext&) override {
        SystemProxySettings s;
        CFDictionaryRef d = SCDynamicStoreCopyProxies(nullptr);
        if (!d) { s.detail = "SCDynamicStoreCopyProxies returned nothing"; return s; }
        if (flag(d, kSCPropNetProxiesProxyAutoConfigEnable)) {
            s.mode = SystemProxySettings::Mode::pac_url;
            s.pac_url = text(d, kSCPropNetProxiesProxyAutoConfigURLString);
        } else if (flag(d, kSCPropNetProxiesProxyAutoDiscoveryEnable)) {
            s.mode = SystemProxySettings::Mode::wpad;
        } else {
            s.http = manual(d, kSCPropNetProxiesHTTPEnable, kSCPropNetProxiesHTTPProxy, kSCPropNetProxiesHTTPPort,
                            "http", "macOS HTTP proxy");
            s.https = manual(d, kSCPropNetProxiesHTTPSEnable, kSCPropNetProxiesHTTPSProxy,
                             kSCPropNetProxiesHTTPSPort, "http", "macOS HTTPS proxy");
            s.socks = manual(d, kSCPropNetProxiesSOCKSEnable, kSCPropNetProxiesSOCKSProxy,
                             kSCPropNetProxiesSOCKSPort, "socks5", "macOS SOCKS proxy");
            s.mode = (s.http || s.https || s.socks) ? SystemProxySettings::Mode::manual
                                                    : SystemProxySettings::Mode::none;
        }
        auto list = static_cast<CFArrayRef>(CFDictionaryGetValue(d, kSCPropNetProxiesExceptionsList));
        for (CFIndex i = 0; list && i < CFArrayGetCount(list); ++i) {
            char buf[512];
            auto item = static_cast<CFStringRef>(CFArrayGetValueAtIndex(list, i));
            if (CFStringGetCString(item, buf, sizeof buf, kCFStringEncodingUTF8))
                s.ignore_hosts += (s.ignore_hosts.empty() ? "" : ",") + std::string(buf);
        }
        if (flag(d, kSCPropNetProxiesExcludeSimpleHostnames)) s.ignore_hosts += ",<local>";
        s.detail = std::string("mode ") + to_string(s.mode);
        CFRelease(d);
        return s;
    }
};

}  // namespace

std::unique_ptr<SystemProxySource> make_platform_source() {
    return std::make_unique<SystemConfigurationSource>();
}

}  // namespace proxydetect
