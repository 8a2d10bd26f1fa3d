// A tether-relay whose name (relay.tether.test) only squid can resolve, so
// that an endpoint reaches it through the proxy or not at all: the set-up
// of the end-to-end tests that run the real programs through a proxy.
#pragma once

#include <string>
#include <vector>

#include "support/relay_fixture.h"
#include "support/squid.h"

namespace test_support {

struct RelayBehindSquid {
    Relay relay;
    Squid squid;

    RelayBehindSquid();
    // The relay's URL under the name only squid resolves.
    std::string relay_url() const;
    // --relay, --ca and --proxy for tether-desk and tether-client.
    std::vector<std::string> route_args() const;
};

}  // namespace test_support
