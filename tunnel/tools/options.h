// tether-tunnel's options: command line, then TETHER_* environment, then the
// --config file (first one that sets a value wins).
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "tunnel/http_settings.h"

namespace tether_tunnel {

struct Options {
    std::string command;  // open | join | probe
    std::string code;     // join
    std::string name;     // open: the name shown to the peer
    tunnel::EndpointConfig endpoint;
    bool verbose = false;
};

// nullopt: --help (or no command) was answered on `out`. Throws
// std::runtime_error with a sentence on bad input.
std::optional<Options> parse_options(int argc, const char* const argv[], std::ostream& out);

}  // namespace tether_tunnel
