// The options every endpoint program shares (tether-desk, tether-client,
// tether-tunnel): where the relay is, whom to trust, and how to get out. The
// way out comes from proxydetect (the admin's proxy.conf, then environment,
// desktop settings, PAC/WPAD); command-line values override proxy.conf.
#pragma once

#include <boost/program_options.hpp>

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "proxydetect/detector.h"
#include "tunnel/http_settings.h"
#include "tunnel/routes.h"

namespace tunnel {

// The admin's proxy.conf, used when it exists and --proxy-conf is not given.
constexpr const char* kDefaultProxyConf = "/etc/tether/proxy.conf";

struct EndpointOptions {
    EndpointConfig base;        // relay_url, ca_file, heartbeat
    std::string proxy_conf;     // "" = kDefaultProxyConf if it exists, else built-in defaults
    // Overrides of proxy.conf (empty = not given).
    std::string proxy, proxy_user, proxy_password, proxy_auth, transport;
    bool allow_plain_http = false;
    std::string relay_key;  // proxy.conf relay_key override (64 hex digits)
    long heartbeat_ms = 2000;
    // Where the transport choice is remembered per (proxy, relay):
    // "" = default_transport_memory(); "none" = not remembered.
    std::string transport_memory;
    bool check_config = false;              // --check-config: check_settings() and exit
    std::vector<std::string> config_files;  // the tether.conf files read (parse_layered)
};

// The checks of the shared settings (settings::checked): each throws
// std::invalid_argument saying what is valid, which the settings reader
// puts after FILE:LINE, the --flag or the TETHER_* variable.
void check_transport(const std::string& v);   // auto, stream or poll
void check_proxy_auth(const std::string& v);  // negotiate,ntlm,digest,basic,any,anysafe
void check_relay_key(const std::string& v);   // 64 hex digits
void check_proxy(const std::string& v);       // a proxy URL (proxydetect::parse_proxy_url)
void check_relay_url(const std::string& v);   // an http(s):// URL
void check_heartbeat_ms(const long& v);       // at least 50

// The options tether-desk and tether-client share besides the connection.
struct SessionProgramOptions {
    std::string config_file;       // --config: read by parse_layered itself
    std::string status_file;       // --status-file
    std::string download_dir;      // --download-dir; "" until given
    std::uint64_t file_rate_kib = 0;  // --file-rate-limit, KiB/s; 0 = no limit

    std::uint64_t file_rate_limit() const { return file_rate_kib * 1024; }  // bytes/s
    // --download-dir, else the user's Downloads/Tether folder.
    std::string download_dir_or_default() const;
};

// Declares --help, --config, --status-file, --download-dir and
// --file-rate-limit, bound to `o` (which must outlive parsing); `peer` names
// the other side in the help ("customer" for tether-desk, "supporter" for
// tether-client).
boost::program_options::options_description session_program_options(SessionProgramOptions& o,
                                                                     const std::string& peer);

// $XDG_CACHE_HOME/tether/transport, else ~/.cache/tether/transport (the
// folder is created); "" when neither variable is set.
std::string default_transport_memory();

// Declares --version, --check-config, --relay, --ca, --proxy-conf, --proxy, --proxy-user,
// --proxy-password, --proxy-auth, --transport, --allow-plain-http, --relay-key and
// --heartbeat-ms, bound to `o` (which must outlive parsing).
boost::program_options::options_description endpoint_options(EndpointOptions& o);

// Parses `d` from the command line, then TETHER_<NAME> environment variables
// (TETHER_PROXY_USER -> --proxy-user), then, when `d` declares --config,
// the tether.conf named by it or else the default ones
// (settings::store_config_files: `proxy_user` there is --proxy-user; keys of
// the other tether.conf readers are ignored): the first source that sets an
// option wins. Returns false after printing "PROGRAM VERSION" for --version,
// or `usage` and `d` for --help, on `out` (no file is read then); otherwise
// stores into the bound variables and the files read into *files_read.
// Throws boost::program_options::error or std::runtime_error "FILE:LINE: ...":
// usage errors (settings::kExitUsage).
bool parse_layered(int argc, const char* const argv[], const boost::program_options::options_description& d,
                   const std::string& program, const std::string& usage, std::ostream& out,
                   std::vector<std::string>* files_read = nullptr);

// --check-config: loads proxy.conf as the program would (with the command
// line's overrides and the credentials file's mode check) and prints
// "FILE: OK" for each tether.conf read and for proxy.conf. Throws what is
// wrong (proxydetect::ConfigError naming FILE:LINE).
void check_settings(const EndpointOptions& o, std::ostream& out);

// After a program parsed its options: proxy.conf is read now (when the
// program goes through the relay), so that its mistakes, or a credentials
// file others can read, stop the program before any window. With
// --check-config: check_settings() to `out` and false (the program exits).
// Throws what is wrong, as check_settings().
bool settle_settings(const EndpointOptions& o, bool through_relay, std::ostream& out);

// What a program needs to connect: the detector (keeps failover state
// across attempts) and the routes it proposes for the relay URL.
struct Egress {
    std::unique_ptr<proxydetect::Detector> detector;
    RoutePlan plan;
};

// Loads proxy.conf, applies the overrides, asks the detector. Throws
// std::runtime_error with a sentence naming the file and line, or the option.
Egress prepare_egress(const EndpointOptions& o);

// proxy.conf with the command-line overrides applied (for explain/probe).
proxydetect::Config effective_proxy_config(const EndpointOptions& o);

}  // namespace tunnel
