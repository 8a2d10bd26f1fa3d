// tether-client.exe's ways to the relay, in order, from its options: the
// route setup of the Windows client. Each source proposes routes or
// nothing, in the order proxydetect uses on Linux (proxydetect/src/
// detector.cpp): the command line, then what the machine says, then DIRECT.
#pragma once

#include <vector>

#include "options_windows.h"
#include "remote/relay_connector_windows.h"

namespace client {

// The routes and the transport policy (--transport, else proxy.conf's
// `transport`, else auto). Throws std::runtime_error naming the option
// when it cannot be used.
remote::WinPlan plan_routes(const WinOptions& o);

}  // namespace client
