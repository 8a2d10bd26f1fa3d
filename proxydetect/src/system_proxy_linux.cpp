// GNOME and KDE proxy settings (the Linux SystemProxySource backends).
#include <map>
#include <sstream>

#include "proxydetect/errors.h"
#include "proxydetect/system_proxy.h"

namespace proxydetect {

namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// A proxy from a desktop setting; nullopt (and a note) when unusable.
std::optional<Candidate> desktop_proxy(const std::string& text, const std::string& source,
                                       std::string& detail) {
    if (text.empty()) return std::nullopt;
    try {
        return parse_proxy_url(text, source);
    } catch (const UrlError& e) {
        detail += "; " + source + " ignored: " + e.what();
        return std::nullopt;
    }
}

}  // namespace

std::string parse_gvariant_string(const std::string& raw) {
    std::string t = trim(raw);
    if (t.size() >= 2 && (t[0] == '\'' || t[0] == '"') && t.back() == t[0]) return t.substr(1, t.size() - 2);
    return t;  // numbers and booleans come unquoted
}

std::vector<std::string> parse_gvariant_string_list(const std::string& raw) {
    std::string t = trim(raw);
    if (t.rfind("@as", 0) == 0) t = trim(t.substr(3));
    std::vector<std::string> out;
    if (t.size() < 2 || t[0] != '[') return out;
    std::stringstream ss(t.substr(1, t.size() - 2));
    std::string item;
    while (std::getline(ss, item, ',')) {
        auto v = parse_gvariant_string(item);
        if (!v.empty()) out.push_back(v);
    }
    return out;
}

namespace {

class GnomeSource : public SystemProxySource {
public:
    std::string name() const override { return "GNOME (GSettings)"; }

    SystemProxySettings read(const SystemContext& ctx) override {
        SystemProxySettings s;
        auto mode = get(ctx, "org.gnome.system.proxy", "mode");
        if (!mode) {
            s.detail = "gsettings is not available or has no org.gnome.system.proxy schema";
            return s;
        }
        s.detail = "mode '" + *mode + "'";
        s.ignore_hosts = join(parse_gvariant_string_list(get_raw(ctx, "org.gnome.system.proxy", "ignore-hosts")));
        if (*mode == "none") s.mode = SystemProxySettings::Mode::none;
        else if (*mode == "auto") read_auto(ctx, s);
        else if (*mode == "manual") read_manual(ctx, s);
        else s.detail += " (unknown mode, ignored)";
        return s;
    }

private:
    static std::string get_raw(const SystemContext& ctx, const std::string& schema, const std::string& key) {
        return ctx.commands.run({"gsettings", "get", schema, key}).value_or("");
    }
    static std::optional<std::string> get(const SystemContext& ctx, const std::string& schema,
                                          const std::string& key) {
        auto out = ctx.commands.run({"gsettings", "get", schema, key});
        if (!out) return std::nullopt;
        return parse_gvariant_string(*out);
    }
    static std::string join(const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
        return s;
    }
    static void read_auto(const SystemContext& ctx, SystemProxySettings& s) {
        s.pac_url = get(ctx, "org.gnome.system.proxy", "autoconfig-url").value_or("");
        s.mode = s.pac_url.empty() ? SystemProxySettings::Mode::wpad : SystemProxySettings::Mode::pac_url;
        s.detail += s.pac_url.empty() ? ", no autoconfig-url: WPAD" : ", autoconfig-url " + s.pac_url;
    }
    static std::optional<Candidate> proxy(const SystemContext& ctx, const std::string& which, const char* scheme,
                                          SystemProxySettings& s) {
        std::string schema = "org.gnome.system.proxy." + which;
        auto host = get(ctx, schema, "host").value_or("");
        auto port = get(ctx, schema, "port").value_or("0");
        if (host.empty() || port == "0") return std::nullopt;
        s.detail += ", " + which + " " + host + ":" + port;
        return desktop_proxy(std::string(scheme) + "://" + host + ":" + port, "GNOME " + which, s.detail);
    }
    static void read_manual(const SystemContext& ctx, SystemProxySettings& s) {
        s.mode = SystemProxySettings::Mode::manual;
        s.http = proxy(ctx, "http", "http", s);
        // GNOME's "HTTPS proxy" is an HTTP proxy used for https URLs.
        s.https = proxy(ctx, "https", "http", s);
        s.socks = proxy(ctx, "socks", "socks5", s);
    }
};

class KdeSource : public SystemProxySource {
public:
    std::string name() const override { return "KDE (kioslaverc)"; }

    SystemProxySettings read(const SystemContext& ctx) override {
        for (const auto& path : candidates(ctx.env)) {
            if (auto text = ctx.files.read(path)) {
                auto s = parse_kioslaverc(*text);
                s.detail = path + ": " + s.detail;
                return s;
            }
        }
        SystemProxySettings s;
        s.detail = "no kioslaverc found";
        return s;
    }

private:
    static std::vector<std::string> candidates(const Environment& env) {
        std::vector<std::string> out;
        auto xdg = env.get("XDG_CONFIG_HOME");
        auto home = env.get("HOME");
        if (xdg && !xdg->empty()) out.push_back(*xdg + "/kioslaverc");
        if (home && !home->empty()) {
            out.push_back(*home + "/.config/kioslaverc");
            out.push_back(*home + "/.kde4/share/config/kioslaverc");
            out.push_back(*home + "/.kde/share/config/kioslaverc");
        }
        return out;
    }
};

class LinuxDesktopSource : public SystemProxySource {
public:
    std::string name() const override { return "desktop"; }
    SystemProxySettings read(const SystemContext& ctx) override {
        auto desktop = ctx.env.get("XDG_CURRENT_DESKTOP").value_or("");
        bool kde = desktop.find("KDE") != std::string::npos || ctx.env.get("KDE_FULL_SESSION");
        auto s = kde ? kde_.read(ctx) : gnome_.read(ctx);
        s.detail = (kde ? kde_.name() : gnome_.name()) + ": " + s.detail;
        return s;
    }

private:
    GnomeSource gnome_;
    KdeSource kde_;
};

// KDE writes "http://host 8080" (space before the port) or "host:8080".
std::string kde_proxy_text(std::string v) {
    auto space = v.rfind(' ');
    if (space != std::string::npos) v[space] = ':';
    return v;
}

}  // namespace

SystemProxySettings parse_kioslaverc(const std::string& text) {
    std::istringstream in(text);
    std::string line, section;
    std::map<std::string, std::string> kv;
    while (std::getline(in, line)) {
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        if (line[0] == '[') { section = line; continue; }
        auto eq = line.find('=');
        if (section == "[Proxy Settings]" && eq != std::string::npos)
            kv[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
    }
    SystemProxySettings s;
    auto type = kv.count("ProxyType") ? kv["ProxyType"] : "0";
    s.detail = "ProxyType=" + type;
    s.ignore_hosts = kv["NoProxyFor"];
    if (kv["ReversedException"] == "true") {
        s.detail += "; ReversedException=true is not supported, NoProxyFor ignored";
        s.ignore_hosts.clear();
    }
    if (type == "0") s.mode = SystemProxySettings::Mode::none;
    else if (type == "1") {
        s.mode = SystemProxySettings::Mode::manual;
        s.http = desktop_proxy(kde_proxy_text(kv["httpProxy"]), "KDE httpProxy", s.detail);
        s.https = desktop_proxy(kde_proxy_text(kv["httpsProxy"]), "KDE httpsProxy", s.detail);
        auto socks = kde_proxy_text(kv["socksProxy"]);
        if (socks.rfind("socks://", 0) == 0) socks = "socks5://" + socks.substr(8);  // KDE's socks is v5
        s.socks = desktop_proxy(socks, "KDE socksProxy", s.detail);
    } else if (type == "2") {
        s.pac_url = kv["Proxy Config Script"];
        s.mode = SystemProxySettings::Mode::pac_url;
    } else if (type == "3") s.mode = SystemProxySettings::Mode::wpad;
    else {
        // 4 = "use environment variables": those were consulted already.
        s.mode = SystemProxySettings::Mode::none;
        s.detail += " (environment variables, consulted above)";
    }
    return s;
}

std::unique_ptr<SystemProxySource> make_gnome_source() { return std::make_unique<GnomeSource>(); }
std::unique_ptr<SystemProxySource> make_kde_source() { return std::make_unique<KdeSource>(); }
std::unique_ptr<SystemProxySource> make_linux_desktop_source() {
    return std::make_unique<LinuxDesktopSource>();
}

}  // namespace proxydetect
