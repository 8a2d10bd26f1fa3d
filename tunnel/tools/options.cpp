#include "options.h"

#include <boost/program_options.hpp>

#include <fstream>
#include <map>
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
    {"proxy", "HTTP proxy URL, e.g. http://10.0.0.1:3128 (default: direct)"},
    {"proxy-user", "proxy user name"},
    {"proxy-password", "proxy password"},
    {"proxy-auth", "proxy auth schemes: basic,digest,ntlm,negotiate,any,anysafe (default anysafe)"},
    {"name", "open: your name, shown to the peer"},
    {"heartbeat-ms", "heartbeat interval in ms (default 2000)"},
};

std::string underscored(std::string s) {
    for (char& c : s)
        if (c == '-') c = '_';
    return s;
}

po::options_description settings_description(bool underscore) {
    po::options_description d("Settings (command line, TETHER_<NAME> environment, --config file)");
    for (const Setting& s : kSettings) {
        std::string n = underscore ? underscored(s.name) : s.name;
        d.add_options()(n.c_str(), po::value<std::string>(), s.help);
    }
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
           "         then copy stdin to the peer and the peer's bytes to stdout\n"
           "  join   join the session CODE and do the same (netcat through the relay)\n"
           "  probe  check step by step whether the relay is reachable (proxy,\n"
           "         CONNECT, TLS and certificate, stream round trip)\n\n"
           "open and join exit 0 once the peer's end of stream arrived and all of\n"
           "stdin was delivered.\n\n"
        << all << "\nExample config file (key = value): relay = https://relay.example.com/\n";
}

std::map<std::string, std::string> config_file(const std::string& path) {
    std::ifstream f(path);
    if (!f) throw std::runtime_error("cannot read the config file " + path);
    po::variables_map vm;
    po::store(po::parse_config_file(f, settings_description(true), /*allow_unregistered=*/true), vm);
    std::map<std::string, std::string> out;
    for (auto& kv : vm) out[kv.first] = kv.second.as<std::string>();
    return out;
}

std::string pick(const po::variables_map& vm, const std::map<std::string, std::string>& file,
                 const std::string& name, const std::string& fallback) {
    if (vm.count(name)) return vm[name].as<std::string>();
    auto it = file.find(underscored(name));
    return it != file.end() ? it->second : fallback;
}

Options to_options(const po::variables_map& vm, const std::map<std::string, std::string>& file) {
    Options o;
    o.command = vm["command"].as<std::string>();
    if (vm.count("code")) o.code = vm["code"].as<std::string>();
    o.verbose = vm.count("verbose") > 0;
    tunnel::EndpointConfig& e = o.endpoint;
    e.relay_url = pick(vm, file, "relay", "");
    e.ca_file = pick(vm, file, "ca", "");
    e.proxy_url = pick(vm, file, "proxy", "");
    e.proxy_user = pick(vm, file, "proxy-user", "");
    e.proxy_password = pick(vm, file, "proxy-password", "");
    e.proxy_auth = pick(vm, file, "proxy-auth", "anysafe");
    tunnel::parse_proxy_auth(e.proxy_auth);  // rejects unknown names now
    e.heartbeat = std::chrono::milliseconds(std::stol(pick(vm, file, "heartbeat-ms", "2000")));
    o.name = pick(vm, file, "name", "");
    return o;
}

void validate(const Options& o) {
    if (o.command != "open" && o.command != "join" && o.command != "probe")
        throw std::runtime_error("unknown command '" + o.command + "' (open, join CODE or probe)");
    if (o.command == "join" && o.code.empty()) throw std::runtime_error("join needs the session CODE");
    if (o.endpoint.relay_url.empty())
        throw std::runtime_error("no relay given: use --relay URL, TETHER_RELAY or relay = in --config");
    if (o.endpoint.heartbeat.count() < 50) throw std::runtime_error("--heartbeat-ms must be at least 50");
}

}  // namespace

std::optional<Options> parse_options(int argc, const char* const argv[], std::ostream& out) {
    po::options_description general("General");
    general.add_options()("help,h", "show this help")("verbose,v", "print status changes")(
        "config", po::value<std::string>(), "config file (key = value lines; see conf/tether.conf)");
    po::options_description hidden;
    hidden.add_options()("command", po::value<std::string>())("code", po::value<std::string>());
    po::options_description all;
    all.add(general).add(settings_description(false));
    po::options_description cmdline;
    cmdline.add(all).add(hidden);
    po::positional_options_description pos;
    pos.add("command", 1).add("code", 1);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(cmdline).positional(pos).run(), vm);
        po::store(po::parse_environment(all, env_name), vm);
    } catch (const po::error& e) {
        throw std::runtime_error(e.what());
    }
    if (vm.count("help") || !vm.count("command")) {
        usage(out, all);
        return std::nullopt;
    }
    std::map<std::string, std::string> file;
    if (vm.count("config")) file = config_file(vm["config"].as<std::string>());
    Options o = to_options(vm, file);
    validate(o);
    return o;
}

}  // namespace tether_tunnel
