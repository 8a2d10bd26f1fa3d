#include "relay/options.h"

#include <boost/program_options.hpp>

#include <cctype>
#include <fstream>
#include <stdexcept>

#include "cluster_redis.h"
#include "cluster_secret.h"
#include "http1/http1.h"
#include "relay/dev_cert.h"
#include "settings/settings_file.h"
#include "wire/session_code.h"

namespace relay {
namespace {

namespace po = boost::program_options;

// Checks run when a value is stored (settings::checked), so that a bad one
// is refused naming its relay.conf line, flag or TETHER_RELAY_* variable.
template <class T>
settings::CheckedValue<T>* positive_value() {
    return settings::checked<T>([](const T& v) {
        if (v <= 0) throw std::invalid_argument("use a positive number");
    });
}

void check_listen(const std::string& v) {
    const auto colon = v.rfind(':');
    const std::string port = colon == std::string::npos ? "" : v.substr(colon + 1);
    if (colon == 0 || port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stol(port) > 65535)
        throw std::invalid_argument("use ADDR:PORT, e.g. 0.0.0.0:8443 or [::]:8443 (port 0 picks a free one)");
}

void check_long_code_digits(const std::size_t& v) {
    if (v <= wire::kShortCodeDigits || v > wire::kMaxCodeDigits) throw std::invalid_argument("use 7 to 9 (digits)");
}

void check_log_level(const std::string& v) {
    try {
        parse_log_level(v);
    } catch (const std::invalid_argument&) {
        throw std::invalid_argument("use debug, info, warn or error");
    }
}

void check_log_format(const std::string& v) {
    try {
        parse_log_format(v);
    } catch (const std::invalid_argument&) {
        throw std::invalid_argument("use text or json");
    }
}

void check_redis(const std::string& v) { parse_redis_url(v); }

void check_node_id(const std::string& v) {
    if (v.empty() || v.size() > 64 ||
        v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") != std::string::npos)
        throw std::invalid_argument("use 1 to 64 letters, digits, '.', '_', ':' or '-' (unique per node)");
}

void check_secret_file(const std::string& v) { load_cluster_secret(v); }

po::options_description describe_options() {
    po::options_description d("tether-relay options (command line, then TETHER_RELAY_* environment, then --config file)");
    d.add_options()
        ("help,h", "print this help")
        ("version", "print the version and exit")
        ("config", po::value<std::string>(), "relay.conf: `key = value` lines, keys as the long options "
                                             "(default: /etc/tether/relay.conf, then $XDG_CONFIG_HOME/tether/relay.conf)")
        ("check-config", "read the options, TETHER_RELAY_* variables and relay.conf, say what is wrong (exit 2) "
                         "or OK (exit 0), and exit")
        ("listen", settings::checked<std::string>(check_listen)->default_value("0.0.0.0:8443"), "ADDR:PORT to listen on; port 0 picks one and prints it")
        ("cert", po::value<std::string>(), "TLS certificate chain (PEM)")
        ("key", po::value<std::string>(), "TLS private key (PEM)")
        ("dev", po::bool_switch(), "make (once) and use a self-signed certificate in --state-dir")
        ("state-dir", po::value<std::string>(), "state directory (default ~/.local/state/tether-relay)")
        ("dev-names", po::value<std::string>()->default_value("relay.tether.test,localhost,127.0.0.1"), "--dev certificate names and IPs, comma-separated")
        ("plain-http", po::bool_switch(), "serve plain HTTP, no TLS, for endpoints behind proxies that refuse CONNECT: every request must then carry a MAC under the session's request key (docs/SECURITY.md)")
        ("plain-listen", settings::checked<std::string>(check_listen), "ADDR:PORT to serve plain HTTP on as well, beside the TLS --listen (same sessions; every request must carry a MAC, as with --plain-http); port 0 picks one and prints it")
        ("request-key", po::value<std::string>(), "file with the relay's X25519 request key, made if missing (default: STATE-DIR/request-key); endpoints pin its public key as proxy.conf relay_key")
        ("code-ttl", positive_value<long>()->default_value(600), "seconds an unused session code stays valid")
        ("grace", positive_value<long>()->default_value(60), "seconds a side may be gone before the session ends")
        ("heartbeat", positive_value<long>()->default_value(2000), "milliseconds between pings on idle downlinks")
        ("tombstone-ttl", positive_value<long>()->default_value(3600), "seconds dead codes are remembered (not reissued, precise join errors)")
        ("join-failures-per-ip", po::value<double>()->default_value(10), "failed joins per minute per source address (0: unlimited)")
        ("join-failures-per-prefix", po::value<double>()->default_value(30), "failed joins per minute per IPv4 /24 or IPv6 /56 (0: unlimited)")
        ("join-alarm", po::value<double>()->default_value(30), "failed joins per minute in total that raise the join guard (0: always up)")
        ("long-code-digits", settings::checked<std::size_t>(check_long_code_digits)->default_value(9), "digits of codes created while the join guard is up (7 to 9)")
        ("create-rate-per-ip", po::value<double>()->default_value(30), "session creations per minute per source address (0: unlimited)")
        ("buffer-bytes", positive_value<std::size_t>()->default_value(1 << 20), "bytes buffered per session and direction")
        ("max-sessions", settings::number<std::size_t>()->default_value(0), "live sessions at most (0: as many as the open-file limit allows)")
        ("max-line-bytes", positive_value<std::size_t>()->default_value(8 * 1024), "request line and each header line at most (431 beyond)")
        ("max-headers", positive_value<std::size_t>()->default_value(100), "header lines per request at most (431 beyond)")
        ("max-head-bytes", positive_value<std::size_t>()->default_value(32 * 1024), "request head at most (431 beyond)")
        ("head-timeout", positive_value<long>()->default_value(10), "seconds for the TLS handshake and a request head (also idle keep-alive)")
        ("min-body-rate", positive_value<std::size_t>()->default_value(4096), "bytes/s a JSON or poll body must average after --head-timeout")
        ("max-body-bytes", positive_value<std::size_t>()->default_value((1 << 20) + 64 * 1024), "JSON and poll bodies at most (413 beyond)")
        ("max-conns-per-ip", settings::number<std::size_t>()->default_value(256), "open connections per source address (0: unlimited)")
        ("max-unauthenticated", settings::number<std::size_t>()->default_value(1024), "connections without a session token yet, in total (0: unlimited)")
        ("io-threads", settings::number<unsigned>()->default_value(0), "threads serving connections (0: one per core, or the cgroup CPU quota rounded up)")
        ("drain-time", settings::checked<long>(settings::at_least<long>(0, "seconds"))->default_value(0), "seconds sessions may go on after SIGTERM (no new ones) before end(relay_shutdown); 0: at once")
        ("log-level", settings::checked<std::string>(check_log_level)->default_value("info"), "debug, info, warn or error")
        ("log-format", settings::checked<std::string>(check_log_format)->default_value("text"), "text (one line per event; journald priorities when stderr is the journal) or json (one object per line)")
        ("downloads-dir", po::value<std::string>(), "client builds served under /downloads/ and listed on the join page at /")
        ("redis", settings::checked<std::string>(check_redis), "a cluster: the shared session directory, redis://HOST:PORT[/DB] or sentinel://HOST:PORT[,HOST:PORT...]/MASTER_NAME (unset: one relay, sessions in memory)")
        ("node-id", settings::checked<std::string>(check_node_id), "this node's name in the cluster (default: hostname:PORT of --listen)")
        ("cluster-listen", settings::checked<std::string>(check_listen), "ADDR:PORT of the plain-TCP listener other nodes forward requests to (required with --redis; a private address); port 0 picks one and prints it")
        ("cluster-advertise", settings::checked<std::string>(check_listen), "HOST:PORT other nodes dial to reach --cluster-listen (default: its address)")
        ("cluster-secret-file", settings::checked<std::string>(check_secret_file), "file with the secret every node of the cluster shares (0600, at least 16 characters; required with --redis)")
        ("capture-dir", po::value<std::string>(), "TEST ONLY: append forwarded end-to-end payloads to files in DIR")
        ("tamper-offset", po::value<long long>(), "TEST ONLY: flip one bit of the desk's session-stream byte at this offset, once per session");
    return d;
}

// TETHER_RELAY_CODE_TTL -> code-ttl; other variables are ignored.
std::string env_to_option(const std::string& var, const po::options_description& d) {
    static const std::string prefix = "TETHER_RELAY_";
    if (var.compare(0, prefix.size(), prefix) != 0) return {};
    std::string name;
    for (char c : var.substr(prefix.size())) name.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(c)));
    if (settings::is_command_option(name) || !d.find_nothrow(name, false)) return {};
    return name;
}

void split_listen(const std::string& listen, Config& c) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("--listen wants ADDR:PORT, got " + listen);
    c.listen_host = listen.substr(0, colon);
    if (c.listen_host.size() > 2 && c.listen_host.front() == '[') c.listen_host = c.listen_host.substr(1, c.listen_host.size() - 2);
    c.listen_port = std::stoi(listen.substr(colon + 1));
    if (c.listen_port < 0 || c.listen_port > 65535) throw std::runtime_error("--listen: bad port in " + listen);
}

template <class T>
T positive(const po::variables_map& vm, const char* name) {
    T v = vm[name].as<T>();
    if (v <= 0) throw std::runtime_error(std::string("--") + name + " must be positive");
    return v;
}

// The cluster options hang together: all need --redis, which needs
// --cluster-listen and --cluster-secret-file.
void cluster_config(const po::variables_map& vm, Config& c) {
    if (!vm.count("redis")) {
        for (const char* o : {"node-id", "cluster-listen", "cluster-advertise", "cluster-secret-file"})
            if (vm.count(o)) throw std::runtime_error(std::string("--") + o + " needs --redis (a cluster)");
        return;
    }
    c.redis_url = vm["redis"].as<std::string>();
    for (const char* o : {"cluster-listen", "cluster-secret-file"})
        if (!vm.count(o)) throw std::runtime_error(std::string("--redis needs --") + o + " too (docs/RELAY.md \"A cluster\")");
    Config p;
    split_listen(vm["cluster-listen"].as<std::string>(), p);
    c.cluster_listen_host = p.listen_host;
    c.cluster_listen_port = p.listen_port;
    if (vm.count("node-id")) c.node_id = vm["node-id"].as<std::string>();
    if (vm.count("cluster-advertise")) c.cluster_advertise = vm["cluster-advertise"].as<std::string>();
    c.cluster_secret_file = vm["cluster-secret-file"].as<std::string>();
}

Config to_config(const po::variables_map& vm) {
    Config c;
    split_listen(vm["listen"].as<std::string>(), c);
    if (vm.count("cert")) c.cert_file = vm["cert"].as<std::string>();
    if (vm.count("key")) c.key_file = vm["key"].as<std::string>();
    c.dev = vm["dev"].as<bool>();
    c.state_dir = vm.count("state-dir") ? vm["state-dir"].as<std::string>() : default_state_dir();
    c.dev_names = vm["dev-names"].as<std::string>();
    c.plain_http = vm["plain-http"].as<bool>();
    if (vm.count("plain-listen")) {
        Config p;
        split_listen(vm["plain-listen"].as<std::string>(), p);
        c.plain_listen_host = p.listen_host;
        c.plain_listen_port = p.listen_port;
    }
    c.request_key_file = vm.count("request-key") ? vm["request-key"].as<std::string>() : c.state_dir + "/request-key";
    c.code_ttl = std::chrono::seconds(positive<long>(vm, "code-ttl"));
    c.grace = std::chrono::seconds(positive<long>(vm, "grace"));
    c.heartbeat = std::chrono::milliseconds(positive<long>(vm, "heartbeat"));
    c.tombstone_ttl = std::chrono::seconds(positive<long>(vm, "tombstone-ttl"));
    c.join_failures_per_ip = vm["join-failures-per-ip"].as<double>();
    c.join_failures_per_prefix = vm["join-failures-per-prefix"].as<double>();
    c.join_alarm = vm["join-alarm"].as<double>();
    c.long_code_digits = vm["long-code-digits"].as<std::size_t>();
    if (c.long_code_digits <= wire::kShortCodeDigits || c.long_code_digits > wire::kMaxCodeDigits)
        throw std::runtime_error("--long-code-digits must be 7 to 9");
    c.create_rate_per_ip = vm["create-rate-per-ip"].as<double>();
    c.buffer_bytes = positive<std::size_t>(vm, "buffer-bytes");
    c.max_sessions = vm["max-sessions"].as<std::size_t>();
    c.max_line_bytes = positive<std::size_t>(vm, "max-line-bytes");
    c.max_headers = positive<std::size_t>(vm, "max-headers");
    c.max_head_bytes = positive<std::size_t>(vm, "max-head-bytes");
    c.head_timeout = std::chrono::seconds(positive<long>(vm, "head-timeout"));
    c.min_body_rate = positive<std::size_t>(vm, "min-body-rate");
    c.max_body_bytes = positive<std::size_t>(vm, "max-body-bytes");
    c.max_conns_per_ip = vm["max-conns-per-ip"].as<std::size_t>();
    c.max_unauthenticated = vm["max-unauthenticated"].as<std::size_t>();
    c.io_threads = vm["io-threads"].as<unsigned>();
    c.drain_time = std::chrono::seconds(vm["drain-time"].as<long>());
    if (c.drain_time.count() < 0) throw std::runtime_error("--drain-time must not be negative");
    c.log_level = parse_log_level(vm["log-level"].as<std::string>());
    c.log_format = parse_log_format(vm["log-format"].as<std::string>());
    if (vm.count("downloads-dir")) c.downloads_dir = vm["downloads-dir"].as<std::string>();
    cluster_config(vm, c);
    if (vm.count("capture-dir")) c.capture_dir = vm["capture-dir"].as<std::string>();
    if (vm.count("tamper-offset")) c.tamper_offset = vm["tamper-offset"].as<long long>();
    return c;
}

}  // namespace

std::optional<Config> parse_options(int argc, const char* const argv[], std::ostream& out) {
    const po::options_description d = describe_options();
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, d), vm);
        if (vm.count("version")) {
            out << "tether-relay " << http1::version() << '\n';
            return std::nullopt;
        }
        if (vm.count("help")) {
            out << "Usage: tether-relay [--config FILE] [options]\n"
                   "tether-relay: pairs tether-desk and tether-client by session code and bridges them.\n\n"
                << d << '\n';
            return std::nullopt;
        }
        settings::store_environment(po::parse_environment(d, [&d](const std::string& v) { return env_to_option(v, d); }),
                                    vm, "TETHER_RELAY_");
        // The reader of every Tether settings file: '#' only starts comment
        // lines, unknown keys and bad values are errors at FILE:LINE.
        const auto files = settings::store_config_files("relay.conf", d, vm);
        po::notify(vm);
        Config c = to_config(vm);
        if (!vm.count("check-config")) return c;
        for (const auto& f : files) out << f << ": OK\n";
        if (files.empty()) out << "no relay.conf found: the options and built-in defaults are OK\n";
        return std::nullopt;
    } catch (const po::error& e) {
        throw std::runtime_error(e.what());
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(e.what());
    }
}

}  // namespace relay
