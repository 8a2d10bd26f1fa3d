// The three commands of tether-tunnel. Each returns the process exit code:
// 0 success, 1 the session or stream failed, 3 the relay refused to join,
// 4 the probe found a failing step.
#pragma once

#include "options.h"

namespace tether_tunnel {

int run_open(const Options& o);
int run_join(const Options& o);
int run_probe(const Options& o);

}  // namespace tether_tunnel
