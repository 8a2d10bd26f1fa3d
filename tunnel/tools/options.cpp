#include "options.h"

#include <boost/program_options.hpp>

#include "http1/http1.h"
#include "proxydetect/url.h"
#include "settings/settings_file.h"

#include <vector>

namespace po = boost::program_options;

namespace tether_tunnel {
namespace {

// Options shared by the command line (--proxy-user), the environment
// (TETHER_PROXY_USER) and the config file (proxy_user).
struct Setting {
    const char* name;
    const char* help;
};

const std::vector<Setting> kSettings = {
    {"relay", "relay base URL, e.g. https://relay.example.com/"},
    {"ca", "PEM file of the CA that signed the relay's certificate (default: system store)"},
    {"proxy-conf", "the admin's proxy.conf (default: /etc/tether/proxy.conf if present)"},
    {"proxy", "use this HTTP proxy, e.g. http://10.0.0.1:3128 (default: detect, see tether-proxydetect)"},
    {"proxy-user", "proxy user name (default: proxy.conf; empty: single sign-on)"},
    {"proxy-password", "proxy password"},
    {"proxy-auth", "proxy auth schemes in order: negotiate,ntlm,digest,basic,any,anysafe (default: proxy.conf)"},
    {"transport", "auto (probe), stream or poll (default: proxy.conf, else auto)"},
    {"allow-plain-http", "yes: allow plain HTTP to the relay (poll mode, each request authenticated) for proxies that refuse CONNECT: an http:// relay URL, or the fallback of an https:// one; needs relay-key (default no)"},
    {"relay-key", "the relay's public request key, 64 hex digits (default: proxy.conf relay_key; printed by tether-relay)"},
    {"e2e", "end-to-end encryption: yes (default) or no (diagnostics only: the relay then sees the bytes)"},
    {"name", "open: your name, shown to the peer"},
    {"heartbeat-ms", "heartbeat interval in ms (default 2000)"},
    {"outage-limit-ms", "give up after this many ms without reaching the relay (default 60000)"},
};

// yes/no is typed, so that a bad value in tether.conf is refused with its
// FILE:LINE (settings::store_settings_file).
bool is_yes_no(const std::string& name) { return name == "e2e" || name == "allow-plain-http"; }

// The value semantic of setting `name`: the checks are the endpoint
// programs' own (tunnel/endpoint_options.h), run when a value is stored so
// that a bad one is refused naming its FILE:LINE, flag or variable.
po::value_semantic* semantic(const std::string& name) {
    if (name == "heartbeat-ms") return settings::checked<long>(tunnel::check_heartbeat_ms);
    if (name == "outage-limit-ms") return settings::checked<long>(settings::at_least<long>(1000, "milliseconds"));
    if (is_yes_no(name)) return po::value<bool>();
    if (name == "transport") return settings::checked<std::string>(tunnel::check_transport);
    if (name == "proxy-auth") return settings::checked<std::string>(tunnel::check_proxy_auth);
    if (name == "relay-key") return settings::checked<std::string>(tunnel::check_relay_key);
    if (name == "relay") return settings::checked<std::string>(tunnel::check_relay_url);
    if (name == "proxy")
        return settings::checked<std::string>(tunnel::check_proxy)->shown_as(proxydetect::redact_password);
    return po::value<std::string>();
}

po::options_description settings_description() {
    po::options_description d("Settings (command line, TETHER_<NAME> environment, --config file)");
    for (const Setting& s : kSettings) d.add_options()(s.name, semantic(s.name), s.help);
    return d;
}

// TETHER_PROXY_USER -> "proxy-user"; other variables are ignored.
std::string env_name(const std::string& var) {
    if (var.rfind("TETHER_", 0) != 0) return "";
    std::string n = var.substr(7);
    for (char& c : n) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const Setting& s : kSettings)
        if (n == s.name) return n;
    return n == "config" ? n : "";
}

void usage(std::ostream& out, const po::options_description& all) {
    out << "usage: tether-tunnel [options] open | join CODE | probe\n\n"
           "  open   create a session, print its code on stderr (\"code: 123456\"),\n"
           "         wait for the peer as long as the code lives (10 minutes by\n"
           "         default), then copy stdin to the peer and the peer's bytes to stdout\n"
           "  join   join the session CODE and do the same (netcat through the relay)\n"
           "  probe  check step by step whether the relay is reachable (proxy,\n"
           "         CONNECT, TLS and certificate, stream round trip)\n\n"
           "open and join exit 0 once the peer's end of stream arrived and all of\n"
           "stdin was delivered; join exits 3 when the relay refused the code, open\n"
           "exits 4 when its code expired before anyone joined, 1 on other errors.\n\n"
        << all << "\nConfig file: key = value lines, keys as above with _ or -; a line starting with #\n"
                  "is a comment, a # inside a value is part of it (see conf/tether.conf).\n";
}

// The value of setting `name` from the command line, environment or file.
std::string pick(const po::variables_map& vm, const std::string& name, const std::string& fallback) {
    return vm.count(name) ? vm[name].as<std::string>() : fallback;
}

// yes/no, true/false, on/off, 1/0 (Boost's words for a bool).
bool yes_no(const po::variables_map& vm, const char* name, bool fallback) {
    return vm.count(name) ? vm[name].as<bool>() : fallback;
}

Options to_options(const po::variables_map& vm) {
    Options o;
    if (vm.count("command")) o.command = vm["command"].as<std::string>();
    if (vm.count("code")) o.code = vm["code"].as<std::string>();
    o.verbose = vm.count("verbose") > 0;
    tunnel::EndpointOptions& e = o.endpoint;
    e.base.relay_url = pick(vm, "relay", "");
    e.base.ca_file = pick(vm, "ca", "");
    e.proxy_conf = pick(vm, "proxy-conf", "");
    e.proxy = pick(vm, "proxy", "");
    e.proxy_user = pick(vm, "proxy-user", "");
    e.proxy_password = pick(vm, "proxy-password", "");
    e.proxy_auth = pick(vm, "proxy-auth", "");
    e.transport = pick(vm, "transport", "");
    e.allow_plain_http = yes_no(vm, "allow-plain-http", false);
    e.heartbeat_ms = vm.count("heartbeat-ms") ? vm["heartbeat-ms"].as<long>() : 2000;
    e.relay_key = pick(vm, "relay-key", "");
    e.base.heartbeat = std::chrono::milliseconds(e.heartbeat_ms);
    e.base.outage_limit = std::chrono::milliseconds(vm.count("outage-limit-ms") ? vm["outage-limit-ms"].as<long>() : 60000);
    o.e2e = yes_no(vm, "e2e", true);
    o.name = pick(vm, "name", "");
    return o;
}

void validate(const Options& o) {
    if (o.command != "open" && o.command != "join" && o.command != "probe")
        throw std::runtime_error("unknown command '" + o.command + "' (open, join CODE or probe)");
    if (o.command == "join" && o.code.empty()) throw std::runtime_error("join needs the session CODE");
    if (o.endpoint.base.relay_url.empty())
        throw std::runtime_error("no relay given: use --relay URL, TETHER_RELAY or relay = in --config");
}

}  // namespace

std::optional<Options> parse_options(int argc, const char* const argv[], std::ostream& out) {
    po::options_description general("General");
    general.add_options()("help,h", "show this help")("version", "print the version and exit")(
        "verbose,v", "print status changes")(
        "check-config", "read the options, TETHER_* variables, tether.conf and proxy.conf, say what is wrong (exit 2) "
                        "or OK (exit 0), and exit")(
        "config", po::value<std::string>(), "config file (key = value lines; see conf/tether.conf); default: /etc/tether/tether.conf, then $XDG_CONFIG_HOME/tether/tether.conf");
    po::options_description hidden;
    hidden.add_options()("command", po::value<std::string>())("code", po::value<std::string>());
    po::options_description all;
    all.add(general).add(settings_description());
    po::options_description cmdline;
    cmdline.add(all).add(hidden);
    po::positional_options_description pos;
    pos.add("command", 1).add("code", 1);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(cmdline).positional(pos).run(), vm);
        settings::store_environment(po::parse_environment(all, env_name), vm, "TETHER_");
    } catch (const po::error& e) {
        throw std::runtime_error(e.what());
    }
    if (vm.count("version")) {
        out << "tether-tunnel " << http1::version() << "\n";
        return std::nullopt;
    }
    const bool check = vm.count("check-config") > 0;
    if (vm.count("help")) {
        usage(out, all);
        return std::nullopt;
    }
    if (!vm.count("command") && !check) throw std::runtime_error("no command given: use open, join CODE or probe");
    // Last, so that the command line and the environment win.
    auto files = settings::store_config_files("tether.conf", settings_description(), vm);
    Options o = to_options(vm);
    o.endpoint.config_files = files;
    if (check) {
        tunnel::check_settings(o.endpoint, out);
        return std::nullopt;
    }
    validate(o);
    tunnel::effective_proxy_config(o.endpoint);  // proxy.conf's mistakes are usage errors too (exit 2)
    return o;
}

}  // namespace tether_tunnel
