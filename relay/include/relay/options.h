// Command line, then TETHER_RELAY_* environment, then the --config file.
#pragma once

#include <optional>
#include <ostream>

#include "relay/config.h"

namespace relay {

// nullopt: --help was answered on `out`. Throws std::runtime_error on a bad value.
std::optional<Config> parse_options(int argc, const char* const argv[], std::ostream& out);

}  // namespace relay
