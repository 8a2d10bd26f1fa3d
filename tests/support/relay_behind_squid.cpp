#include "support/relay_behind_squid.h"

namespace test_support {
namespace {

SquidOptions resolving_the_relay() {
    SquidOptions so;
    so.hosts = {{"relay.tether.test", "127.0.0.1"}};
    return so;
}

}  // namespace

RelayBehindSquid::RelayBehindSquid() : squid(resolving_the_relay()) {}

std::string RelayBehindSquid::relay_url() const { return relay.url("relay.tether.test"); }

std::vector<std::string> RelayBehindSquid::route_args() const {
    return {"--relay", relay_url(), "--ca", relay.ca_file(), "--proxy", squid.url()};
}

}  // namespace test_support
