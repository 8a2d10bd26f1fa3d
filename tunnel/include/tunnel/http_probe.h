// "Can this machine reach the relay, and if not, why?" Step by step, for an
// admin: which proxy, TCP to the proxy (or relay), the proxy's answer to
// CONNECT, TLS and the relay's certificate, the relay's HTTP API, and a
// stream round trip (ping/pong through a real stream-mode carrier).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "tunnel/http_settings.h"

namespace tunnel {

struct ProbeStep {
    std::string name;    // e.g. "CONNECT relay.example.com:443"
    bool ok = false;
    std::string detail;  // what we saw, e.g. "200 Connection established"
    std::string advice;  // on failure: what to check
};

struct ProbeReport {
    std::vector<ProbeStep> steps;
    bool ok() const;  // every step passed
};

// Runs the steps in order and stops at the first failure. `on_step` sees
// each step as soon as it is known (for live output). Creates and ends one
// throwaway session at the relay for the round-trip step. Never throws for
// network failures: they are failed steps.
ProbeReport probe_relay(const EndpointConfig& cfg,
                        const std::function<void(const ProbeStep&)>& on_step = {});

}  // namespace tunnel
