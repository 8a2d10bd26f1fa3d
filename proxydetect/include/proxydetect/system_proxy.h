// The platform seam: proxy settings of the desktop / operating system.
// Linux: GNOME (GSettings, read with the `gsettings` tool) and KDE
// (kioslaverc). Windows: the user's Internet Options through WinHTTP
// (platform/windows/winhttp_source.cpp, built in the Windows build). macOS
// (SystemConfiguration, platform/macos) is not built anywhere yet.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proxydetect/candidate.h"
#include "proxydetect/world.h"

namespace proxydetect {

struct SystemProxySettings {
    enum class Mode {
        unavailable,  // no such desktop / settings could not be read
        none,         // the user chose "no proxy"
        manual,       // per-scheme proxies below
        pac_url,      // automatic, with a PAC URL
        wpad,         // automatic, discover with WPAD
    };
    Mode mode = Mode::unavailable;
    std::optional<Candidate> http, https, socks;  // manual mode
    std::string pac_url;                          // pac_url mode
    std::string ignore_hosts;  // no_proxy-grammar text (comma separated)
    std::string detail;        // what was read, for explain
};

const char* to_string(SystemProxySettings::Mode mode);

// What a platform source may read. References live as long as the call.
struct SystemContext {
    const Environment& env;
    const FileSystem& files;
    CommandRunner& commands;
};

class SystemProxySource {
public:
    virtual ~SystemProxySource() = default;
    // "GNOME (GSettings)", "KDE (kioslaverc)", "WinHTTP", ...
    virtual std::string name() const = 0;
    virtual SystemProxySettings read(const SystemContext& ctx) = 0;
};

// GNOME: org.gnome.system.proxy{,.http,.https,.socks} through `gsettings get`.
std::unique_ptr<SystemProxySource> make_gnome_source();
// KDE: [Proxy Settings] of $XDG_CONFIG_HOME/kioslaverc (or ~/.config, ~/.kde4).
std::unique_ptr<SystemProxySource> make_kde_source();
// Picks KDE or GNOME from XDG_CURRENT_DESKTOP / KDE_FULL_SESSION at read
// time (default GNOME, like Chromium); "unavailable" when neither answers.
std::unique_ptr<SystemProxySource> make_linux_desktop_source();

// Windows (WinHTTP) / macOS (SystemConfiguration): defined only in
// platform/windows (the Windows build) or platform/macos.
std::unique_ptr<SystemProxySource> make_platform_source();

// Windows' proxy list (WinHttpGetIEProxyConfigForCurrentUser's lpszProxy,
// the ProxyServer setting): "host:port" for every scheme, or
// "http=a:1;https=b:2;socks=c:3" per scheme ("ftp=" and others ignored).
// Throws UrlError for an address it cannot read.
void parse_windows_proxy_list(const std::string& list, SystemProxySettings& s);

// Parsers, exposed for tests.
SystemProxySettings parse_kioslaverc(const std::string& text);
// `gsettings get` prints GVariant text: 'str', 8080, ['a', 'b'], @as [].
std::string parse_gvariant_string(const std::string& text);
std::vector<std::string> parse_gvariant_string_list(const std::string& text);

}  // namespace proxydetect
