// probe: the admin's step-by-step reachability report.
#include <iostream>

#include "commands.h"
#include "tunnel/http_probe.h"

namespace tether_tunnel {

int run_probe(const Options& o) {
    std::cout << "tether-tunnel probe: " << o.endpoint.relay_url << "\n";
    auto print = [](const tunnel::ProbeStep& s) {
        std::cout << (s.ok ? "  OK    " : "  FAIL  ") << s.name << ": " << s.detail << "\n";
        if (!s.ok && !s.advice.empty()) std::cout << "        check: " << s.advice << "\n";
        std::cout.flush();
    };
    tunnel::ProbeReport r = tunnel::probe_relay(o.endpoint, print);
    std::cout << (r.ok() ? "result: the relay is reachable\n" : "result: NOT reachable (see FAIL above)\n");
    return r.ok() ? 0 : 4;
}

}  // namespace tether_tunnel
