// proxy.conf for tests whose proxy (named by proxy.conf, a PAC script, the
// environment or the Internet Options) must carry the traffic to a relay on
// 127.0.0.1. Loopback hosts go DIRECT past every such proxy (Chromium's
// implicit bypass, docs/PROXYDETECT.md "Implicit bypass"); Chromium's
// <-loopback> rule lifts that. A --proxy on the command line needs nothing.
#pragma once

#include <string>

namespace test_support {

// The no_proxy entry (also for a Windows bypass list or no_proxy variable).
inline const char* const kLoopbackOptOut = "<-loopback>";

// proxy.conf text: `body` (its own lines, each ending in '\n') plus
// "no_proxy = <-loopback>". `body` must not set no_proxy itself.
inline std::string loopback_proxy_conf(const std::string& body) {
    return body + "no_proxy = " + kLoopbackOptOut + "\n";
}

}  // namespace test_support
