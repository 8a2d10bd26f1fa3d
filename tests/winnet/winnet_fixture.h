// Helpers of the e2e_winnet tests: Windows programs of this tree run under
// wine (cmake/wine-run.sh) against a real relay and proxies on 127.0.0.1.
#pragma once

#include <string>
#include <vector>

#include "support/process.h"
#include "support/relay_fixture.h"
#include "support/squid.h"

namespace winnet_test {

struct Run {
    int code;
    std::string out, err;
};

// `exe` with `args` under wine in the wine prefix `prefix`, with no proxy
// (nor TETHER_PROXY_CONF) from our environment.
test_support::ProcessOptions exe_options(const std::vector<std::string>& args,
                                         const std::string& exe = WINNET_E2E_EXE,
                                         const std::string& prefix = WINE_PREFIX);
// Runs it to the end (bounded: 150 s); its output goes into the test's log.
Run run_exe(std::vector<std::string> args, const std::string& exe = WINNET_E2E_EXE,
            const std::string& prefix = WINE_PREFIX);

std::vector<std::string> relay_args(const test_support::Relay& relay);  // --relay https://localhost:P/ --ca
std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b);
// Names only `localhost`; access.log lines end with the User-Agent.
test_support::SquidOptions squid_options();

// The frames scenario's checks: the pong, exact bytes both ways, the end;
// `how` is the carriers' describe() ("stream mode through proxy 127.0.0.1:P").
void check_frames_ok(const Run& r, const std::string& how);
// squid logs a CONNECT when its tunnel closes: stops it, then reads them.
std::vector<std::string> connect_lines(test_support::Squid& squid);
// Each line: a tunnel to the relay for `user` whose CONNECT named Tether.
void check_connects(const std::vector<std::string>& lines, const test_support::Relay& relay, std::size_t at_least,
                    const std::string& user = "-");

}  // namespace winnet_test
