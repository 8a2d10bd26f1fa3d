// The two ways compared by bench_tunnel. Each connects a local process `a`
// to a local process `b` through the same squid with TLS on both legs: what
// a reads on stdin comes out of b's stdout and back. Both processes have
// stdin pipes; b's stdout goes to `b_out` (a file) or is captured ("").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/relay_fixture.h"
#include "support/squid.h"
#include "support/temp_dir.h"

namespace bench {

using test_support::Process;

class Path {
public:
    virtual ~Path() = default;
    virtual Process& a() = 0;
    virtual Process& b() = 0;
};

// tether-tunnel open (a) and join (b) through squid to tether-relay.
std::unique_ptr<Path> tether_path(const test_support::Squid& squid, const test_support::Relay& relay,
                                  const std::string& b_out);

// socat: a relay `OPENSSL-LISTEN:R1 OPENSSL-LISTEN:R2` (accepts one side,
// then the other, then bridges), and per side `socat STDIO OPENSSL:` over a
// `socat TCP-LISTEN PROXY:` forwarder that opens the CONNECT tunnel (socat
// 1.7 cannot chain TLS over PROXY in one process).
std::unique_ptr<Path> socat_path(const test_support::Squid& squid, const test_support::TempDir& dir,
                                 const std::string& b_out);

}  // namespace bench
