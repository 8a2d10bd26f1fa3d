// tether-client.exe's options: the same names and meanings as the Linux
// client's (client/main.cpp, tunnel/endpoint_options.h), read the same way:
// the command line, then TETHER_<OPTION> environment variables (dashes as
// underscores), then the key = value lines of --config FILE, then those of
// tether-client.conf beside the .exe (the admin's side file, which the
// installer writes: docs/ARCHITECTURE.md "Windows client"), then the relay
// baked in at build time (TETHER_DEFAULT_RELAY); the first source that
// sets an option wins. Boost.Program_options has no mingw build in Debian,
// hence this small table.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace client {

struct WinOptions {
    std::string code, name = "Customer", status_file, download_dir, config_file;
    std::vector<std::string> send_files;
    bool headless = false, allow_control = false, allow_files = false, help = false, version = false,
         check_config = false;
    std::vector<std::string> files_read;  // the settings files read, in order (--check-config)
    std::uint64_t file_rate_kib = 0;  // KiB/s, 0 = no limit
    // Connection (relay, trust, proxy): as tunnel::EndpointOptions.
    std::string explain;  // --explain URL: print the proxy decision and exit
    std::string relay, ca, proxy_conf, proxy, proxy_user, proxy_password, proxy_auth, transport;
    long heartbeat_ms = 2000;
    bool allow_plain_http = false;  // as proxy.conf allow_plain_http = yes
    std::string relay_key;          // as proxy.conf relay_key
    std::string transport_memory;  // "" = not remembered yet on Windows; a file path to remember
};

// Throws std::runtime_error naming the option (or FILE:LINE) and what to
// do: a usage error, exit settings::kExitUsage.
WinOptions parse_options(int argc, const char* const argv[]);
void print_help(std::ostream& out);

}  // namespace client
