// Command line, then TETHER_RELAY_* environment, then the --config file.
#pragma once

#include <optional>
#include <ostream>

#include "relay/config.h"

namespace relay {

// The command line, then TETHER_RELAY_* variables, then --config FILE or
// else the default relay.conf files (settings::store_config_files).
// nullopt: --help, --version or --check-config was answered on `out`.
// Throws std::runtime_error "FILE:LINE: ..." or naming the option on a bad
// value: a usage error (settings::kExitUsage).
std::optional<Config> parse_options(int argc, const char* const argv[], std::ostream& out);

}  // namespace relay
