// tether-tunnel's options: command line, then TETHER_* environment, then the
// --config file (first one that sets a value wins).
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "tunnel/endpoint_options.h"

namespace tether_tunnel {

struct Options {
    std::string command;  // open | join | probe
    std::string code;     // join
    std::string name;     // open: the name shown to the peer
    tunnel::EndpointOptions endpoint;  // relay, trust, proxy.conf and overrides
    bool e2e = true;                   // end-to-end TLS + mux raw channel (--e2e no: raw session)
    bool verbose = false;
};

// nullopt: --help (or no command) was answered on `out`. Throws
// std::runtime_error with a sentence on bad input.
std::optional<Options> parse_options(int argc, const char* const argv[], std::ostream& out);

}  // namespace tether_tunnel
