// The platform-neutral parts of system_proxy.h: names, and the parser of
// Windows' proxy list (kept here so that Linux tests cover it too).
#include "proxydetect/system_proxy.h"

namespace proxydetect {

const char* to_string(SystemProxySettings::Mode m) {
    switch (m) {
    case SystemProxySettings::Mode::unavailable: return "unavailable";
    case SystemProxySettings::Mode::none: return "none";
    case SystemProxySettings::Mode::manual: return "manual";
    case SystemProxySettings::Mode::pac_url: return "pac_url";
    case SystemProxySettings::Mode::wpad: return "wpad";
    }
    return "?";
}

void parse_windows_proxy_list(const std::string& list, SystemProxySettings& s) {
    const std::string src = "Windows proxy setting";
    if (list.find('=') == std::string::npos) {  // one proxy for every scheme
        auto first = list.substr(0, list.find_first_of("; "));
        s.http = s.https = parse_proxy_url(first, src);
        return;
    }
    std::size_t start = 0;
    while (start < list.size()) {
        std::size_t end = list.find_first_of("; ", start);
        std::string item = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
        auto eq = item.find('=');
        if (eq != std::string::npos && eq + 1 < item.size()) {
            std::string scheme = item.substr(0, eq), addr = item.substr(eq + 1);
            if (scheme == "http") s.http = parse_proxy_url(addr, src + " http=");
            else if (scheme == "https") s.https = parse_proxy_url(addr, src + " https=");
            else if (scheme == "socks") s.socks = parse_proxy_url("socks4://" + addr, src + " socks=");
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
}

}  // namespace proxydetect
