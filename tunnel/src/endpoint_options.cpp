// Shared endpoint options -> proxy.conf + overrides -> detector and routes.
#include "tunnel/endpoint_options.h"

#include "http1/http1.h"
#include "platform/dirs.h"
#include "proxydetect/errors.h"
#include "proxydetect/url.h"
#include "settings/settings_file.h"

#include <cctype>
#include <cstdlib>
#include <sstream>
#include <sys/stat.h>

namespace tunnel {
namespace po = boost::program_options;
namespace {

bool file_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// "negotiate,ntlm" (also "any", "anysafe") -> proxy.conf's scheme order.
std::vector<proxydetect::AuthScheme> parse_schemes(const std::string& list) {
    using proxydetect::AuthScheme;
    std::vector<AuthScheme> out;
    std::istringstream in(list);
    std::string name;
    while (std::getline(in, name, ',')) {
        if (name == "any" || name == "anysafe") {
            out.insert(out.end(), {AuthScheme::negotiate, AuthScheme::ntlm, AuthScheme::digest});
            if (name == "any") out.push_back(AuthScheme::basic);
        } else if (name == "negotiate") out.push_back(AuthScheme::negotiate);
        else if (name == "ntlm") out.push_back(AuthScheme::ntlm);
        else if (name == "digest") out.push_back(AuthScheme::digest);
        else if (name == "basic") out.push_back(AuthScheme::basic);
        else throw std::invalid_argument("unknown scheme '" + name + "': use a comma-separated list of negotiate, "
                                         "ntlm, digest, basic, any or anysafe");
    }
    return out;
}

proxydetect::Transport parse_transport(const std::string& t) {
    switch (parse_transport_mode(t)) {
    case TransportMode::stream: return proxydetect::Transport::stream;
    case TransportMode::poll: return proxydetect::Transport::poll;
    default: return proxydetect::Transport::automatic;
    }
}

void apply_overrides(proxydetect::Config& c, const EndpointOptions& o) {
    if (!o.proxy.empty()) {
        c.proxy = proxydetect::parse_proxy_url(o.proxy, "command line --proxy");
        c.proxy_pinned = true;  // the person's choice: no implicit bypass of loopback hosts
    }
    if (!o.proxy_user.empty()) {
        c.proxy_user = o.proxy_user;
        c.proxy_password = o.proxy_password;
        c.proxy_credentials_file.clear();
    }
    if (!o.proxy_auth.empty()) {
        c.auth = parse_schemes(o.proxy_auth);
        // Naming basic on the command line is the user's explicit choice.
        for (auto s : c.auth) c.allow_basic_over_http |= s == proxydetect::AuthScheme::basic;
    }
    if (!o.transport.empty()) c.transport = parse_transport(o.transport);
    if (o.allow_plain_http) c.allow_plain_http = true;
    if (!o.relay_key.empty()) c.relay_key = o.relay_key;
}

// TETHER_PROXY_USER -> "proxy-user" when `d` has it; other variables: "".
std::string env_name(const po::options_description& d, const std::string& var) {
    const std::string prefix = "TETHER_";
    if (var.compare(0, prefix.size(), prefix) != 0) return "";
    std::string name;
    for (char c : var.substr(prefix.size()))
        name += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // TETHER_CONFIG names the file; --help, --version, --check-config are
    // asked for on the command line only.
    if (name != "config" && settings::is_command_option(name)) return "";
    return d.find_nothrow(name, false) ? name : "";
}

}  // namespace

bool parse_layered(int argc, const char* const argv[], const po::options_description& d, const std::string& program,
                   const std::string& usage, std::ostream& out, std::vector<std::string>* files_read) {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, d), vm);
    // Before the files: a broken tether.conf must not hide --help or --version.
    if (vm.count("version")) {
        out << program << " " << http1::version() << "\n";
        return false;
    }
    if (vm.count("help")) {
        out << usage << "\n\n" << d << "\n";
        return false;
    }
    settings::store_environment(po::parse_environment(d, [&](const std::string& v) { return env_name(d, v); }), vm,
                                "TETHER_");
    std::vector<std::string> files;
    if (d.find_nothrow("config", false)) files = settings::store_config_files("tether.conf", d, vm);
    if (files_read) *files_read = files;
    po::notify(vm);
    return true;
}

void check_settings(const EndpointOptions& o, std::ostream& out) {
    proxydetect::Config proxy = effective_proxy_config(o);  // throws what is wrong
    for (const std::string& f : o.config_files) out << f << ": OK\n";
    if (proxy.origin != proxydetect::Config{}.origin) out << proxy.origin << ": OK\n";
    if (o.config_files.empty() && proxy.origin == proxydetect::Config{}.origin)
        out << "no settings file (tether.conf, proxy.conf) found: built-in defaults\n";
}

bool settle_settings(const EndpointOptions& o, bool through_relay, std::ostream& out) {
    if (o.check_config) {
        check_settings(o, out);
        return false;
    }
    if (through_relay) effective_proxy_config(o);
    return true;
}

po::options_description endpoint_options(EndpointOptions& o) {
    po::options_description d("Connection (relay, trust, proxy)");
    d.add_options()
        ("version", "print the version and exit")
        ("check-config", po::bool_switch(&o.check_config),
         "read tether.conf (--config, else the default files), TETHER_* variables and proxy.conf, say what is "
         "wrong (exit 2) or OK (exit 0), and exit")
        ("relay", settings::checked<std::string>(&o.base.relay_url, check_relay_url),
         "relay base URL, e.g. https://relay.example.com/")
        ("ca", po::value(&o.base.ca_file), "PEM file of the CA that signed the relay's certificate "
                                           "(default: the system store; behind a TLS-inspecting proxy, its CA)")
        ("proxy-conf", po::value(&o.proxy_conf), "the admin's proxy.conf (default: /etc/tether/proxy.conf if present)")
        ("proxy", settings::checked<std::string>(&o.proxy, check_proxy)->shown_as(proxydetect::redact_password),
         "use this HTTP proxy, e.g. http://10.0.0.1:3128, instead of detecting one")
        ("proxy-user", po::value(&o.proxy_user), "proxy user name (empty: single sign-on)")
        ("proxy-password", po::value(&o.proxy_password), "proxy password")
        ("proxy-auth", settings::checked<std::string>(&o.proxy_auth, check_proxy_auth),
         "proxy auth schemes in order: negotiate,ntlm,digest,basic,any,anysafe")
        ("transport", settings::checked<std::string>(&o.transport, check_transport),
         "auto (probe), stream or poll (default: proxy.conf, else auto)")
        ("allow-plain-http", po::bool_switch(&o.allow_plain_http), "allow plain HTTP to the relay (poll mode, each request authenticated) for proxies that refuse CONNECT: an http:// relay URL, or the fallback of an https:// one (needs --relay-key)")
        ("relay-key", settings::checked<std::string>(&o.relay_key, check_relay_key),
         "the relay's public request key, 64 hex digits (proxy.conf relay_key; printed by tether-relay)")
        ("heartbeat-ms", settings::checked<long>(&o.heartbeat_ms, check_heartbeat_ms)->default_value(2000),
         "heartbeat interval in ms, at least 50 (keep it inside proxy idle timeouts)");
    return d;
}

void check_transport(const std::string& v) {
    if (v != "auto" && v != "stream" && v != "poll") throw std::invalid_argument("use auto, stream or poll");
}

void check_proxy_auth(const std::string& v) { parse_schemes(v); }

void check_relay_url(const std::string& v) {
    std::string why;
    try {
        auto u = proxydetect::parse_url(v);
        if (u.scheme != "https" && u.scheme != "http") why = "the scheme is " + u.scheme + "; ";
    } catch (const proxydetect::Error& e) {
        why = std::string(e.what()) + "; ";
    }
    if (!why.empty())
        throw std::invalid_argument(why + "use the relay's https://HOST[:PORT]/ URL (http:// only with allow_plain_http)");
}

void check_proxy(const std::string& v) {
    try {
        proxydetect::parse_proxy_url(v, "proxy");
    } catch (const proxydetect::Error& e) {  // names the URL with its password as ***
        throw std::invalid_argument(std::string(e.what()) + "; use http://HOST:PORT (or https://, socks5://)");
    }
}

void check_relay_key(const std::string& v) {
    if (v.size() != 64 || v.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        throw std::invalid_argument("use the relay's public request key: 64 hex digits (tether-relay prints it)");
}

void check_heartbeat_ms(const long& v) { settings::at_least<long>(50, "milliseconds")(v); }

std::string SessionProgramOptions::download_dir_or_default() const {
    return download_dir.empty() ? platform::user_downloads_dir() : download_dir;
}

po::options_description session_program_options(SessionProgramOptions& o, const std::string& peer) {
    po::options_description d("General");
    const std::string download_help = "where files from the " + peer + " are saved (default: ~/Downloads/Tether)";
    d.add_options()
        ("help,h", "show this help")
        ("config", po::value(&o.config_file), "read options from FILE (key = value lines)")
        ("status-file", po::value(&o.status_file), "keep the visible status in FILE (key: value lines)")
        ("download-dir", po::value(&o.download_dir), download_help.c_str())  // copied by boost
        ("file-rate-limit", settings::number(&o.file_rate_kib),
         "limit file transfer to N KiB/s so the screen stays responsive (default: no limit)");
    return d;
}

std::string default_transport_memory() {
    const std::string dir = platform::tether_dir(platform::TetherDir::user_cache);
    if (dir.empty()) return "";
    try {
        platform::make_private_dirs(dir);
    } catch (const std::exception&) {
        // Not fatal: the choice is then just not remembered between runs.
    }
    return dir + "/transport";
}

proxydetect::Config effective_proxy_config(const EndpointOptions& o) {
    std::string path = o.proxy_conf.empty() && file_exists(kDefaultProxyConf) ? kDefaultProxyConf : o.proxy_conf;
    proxydetect::Config c = path.empty() ? proxydetect::Config{} : proxydetect::load_config_file(path);
    apply_overrides(c, o);
    proxydetect::check_credentials_file_mode(c);  // a readable password file is refused at every start
    return c;
}

Egress prepare_egress(const EndpointOptions& o) {
    if (o.base.relay_url.empty())
        throw std::runtime_error("no relay given: use --relay URL, TETHER_RELAY or relay = in --config");
    EndpointConfig base = o.base;
    base.heartbeat = std::chrono::milliseconds(o.heartbeat_ms);
    Egress e;
    e.detector = proxydetect::Detector::from_system(effective_proxy_config(o));
    e.plan = plan_routes(*e.detector, base);
    e.plan.policy.memory_file = o.transport_memory == "none" ? ""
                              : o.transport_memory.empty() ? default_transport_memory() : o.transport_memory;
    return e;
}

}  // namespace tunnel
