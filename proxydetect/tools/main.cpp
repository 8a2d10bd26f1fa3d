// tether-proxydetect: shows which way out Tether would take for a URL, and
// why. Thin: parse options, build a Detector, print.
#include <boost/program_options.hpp>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "http1/http1.h"
#include "proxydetect/detector.h"
#include "proxydetect/errors.h"
#include "proxydetect/explain.h"

namespace po = boost::program_options;
using namespace proxydetect;

namespace {

// A command line we cannot run: exit status 2, like Boost's own errors.
struct UsageError : Error {
    using Error::Error;
};

struct Args {
    std::string command, url, config, pac_helper;
    std::vector<std::string> resolve, search_domains;
    unsigned wpad_port = 80;
    unsigned pac_timeout_ms = 5000;
    bool json = false;
};

po::options_description visible_options(Args& a) {
    po::options_description d("Options");
    d.add_options()
        ("help,h", "show this help")
        ("version", "print the version and exit")
        ("config,c", po::value(&a.config), "proxy.conf to use (default /etc/tether/proxy.conf if it exists;"
                                            " env TETHER_PROXY_CONF)")
        ("json", po::bool_switch(&a.json), "explain: machine-readable output for support tickets")
        ("resolve", po::value(&a.resolve)->composing(),
         "HOST:ADDR, answer DNS for HOST with ADDR (repeatable; like curl --resolve)")
        ("search-domain", po::value(&a.search_domains)->composing(),
         "DNS search domain for WPAD instead of /etc/resolv.conf (repeatable)")
        ("wpad-port", po::value(&a.wpad_port)->default_value(80), "port of WPAD fetches")
        ("pac-timeout-ms", po::value(&a.pac_timeout_ms)->default_value(5000), "wall-clock limit of one PAC run")
        ("pac-helper", po::value(&a.pac_helper), "path of tether-pac-eval (default: next to this program)");
    return d;
}

void usage(const po::options_description& d) {
    std::cout << "Usage: tether-proxydetect COMMAND [URL] [options]\n\n"
                 "Commands:\n"
                 "  explain URL     the sources consulted, what each said, the PAC trace,\n"
                 "                  the candidates in order and the proxy authentication\n"
                 "  resolve URL     only the candidates, one per line (curl proxy URL or DIRECT)\n"
                 "  check-config    parse proxy.conf and report the first error with its line\n\n"
              << d << "\nSee docs/PROXYDETECT.md for proxy.conf keys and the no_proxy grammar.\n";
}

Config load_config(const Args& a) {
    if (!a.config.empty()) return load_config_file(a.config);
    if (std::ifstream(default_config_path())) return load_config_file(default_config_path());
    return Config{};
}

SystemOptions system_options(const Args& a) {
    SystemOptions o;
    o.pac_helper = a.pac_helper;
    o.pac_limits.wall = std::chrono::milliseconds(a.pac_timeout_ms);
    o.search_domains = a.search_domains;
    o.detector.wpad_port = static_cast<uint16_t>(a.wpad_port);
    for (const auto& r : a.resolve) {
        auto colon = r.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == r.size())
            throw Error("--resolve '" + r + "': expected HOST:ADDR, e.g. wpad.corp.example:10.0.0.5");
        o.resolve_overrides[normalise_host(r.substr(0, colon))].push_back(r.substr(colon + 1));
    }
    return o;
}

int run(const Args& a) {
    Config config = load_config(a);
    check_credentials_file_mode(config);  // at every use, not only check-config
    if (a.command == "check-config") {
        std::cout << config.origin << ": OK\n";
        return 0;
    }
    if (a.url.empty()) throw UsageError(a.command + " needs a URL, e.g. https://relay.example.com/");
    if (a.command == "explain")  // the same code as tether-client.exe --explain
        return explain_command({a.url, a.config, a.json, system_options(a)}, std::cout, std::cerr);
    auto det = Detector::from_system(std::move(config), system_options(a));
    Decision d = det->resolve(a.url);
    for (const auto& c : d.candidates) std::cout << (c.is_direct() ? "DIRECT" : c.curl_proxy_url()) << "\n";
    return d.blocked() ? 3 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    auto visible = visible_options(a);
    po::options_description all;
    all.add(visible).add_options()("command", po::value(&a.command))("url", po::value(&a.url));
    po::positional_options_description pos;
    pos.add("command", 1).add("url", 1);
    try {
        po::variables_map vm;
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
        po::store(po::parse_environment(visible, [](const std::string& env) -> std::string {
                      return env == "TETHER_PROXY_CONF" ? "config" : "";
                  }), vm);
        po::notify(vm);
        if (vm.count("version")) {
            std::cout << "tether-proxydetect " << http1::version() << "\n";
            return 0;
        }
        if (vm.count("help") || a.command.empty()) {
            usage(visible);
            return vm.count("help") ? 0 : 2;
        }
        if (a.command != "explain" && a.command != "resolve" && a.command != "check-config")
            throw UsageError("unknown command '" + a.command + "'; use explain, resolve or check-config");
        return run(a);
    } catch (const po::error& e) {
        std::cerr << "tether-proxydetect: " << e.what() << " (see --help)\n";
        return 2;
    } catch (const UsageError& e) {
        std::cerr << "tether-proxydetect: " << e.what() << " (see --help)\n";
        return 2;
    } catch (const ConfigError& e) {  // proxy.conf: a configuration error, as in every program
        std::cerr << "tether-proxydetect: " << e.what() << "\n";
        return 2;
    } catch (const Error& e) {
        std::cerr << "tether-proxydetect: " << e.what() << "\n";
        return 1;
    }
}
