// Rendering a Decision for the admin (text) and for support tickets (JSON).
// Neither contains passwords.
#pragma once

#include <ostream>
#include <string>

#include "proxydetect/detector.h"

namespace proxydetect {

std::string explain_text(const Decision& d);
std::string explain_json(const Decision& d, int indent = 2);

struct ExplainRequest {
    std::string url;
    // proxy.conf to use; "" = $TETHER_PROXY_CONF if set, else
    // default_config_path() if that file exists, else none.
    std::string config_path;
    bool json = false;
    SystemOptions system;  // Detector::from_system's options
    std::string program = "tether-proxydetect";  // prefix of error lines
};

// `tether-proxydetect explain URL` on Linux and `tether-client.exe --explain
// URL` on Windows: resolves the URL with this platform's real world and
// prints explain_text (or explain_json) to `out`. Returns the exit status:
// 0; 1 for a bad proxy.conf or URL ("<program>: <what to fix>" on `err`);
// 3 when there is no candidate (fail-closed).
int explain_command(const ExplainRequest& request, std::ostream& out, std::ostream& err);

// Where the admin's proxy.conf lives: /etc/tether/proxy.conf on Linux,
// %ProgramData%\Tether\proxy.conf on Windows (system.cpp, platform/windows).
std::string default_config_path();

}  // namespace proxydetect
