// --dev: a self-signed certificate for the relay, made once in the state
// directory and reused while the names stay the same.
#pragma once

#include <string>

namespace relay {

struct DevCertificate {
    std::string cert_file;  // PEM; also what endpoints trust with --ca
    std::string key_file;   // PEM, mode 0600
    bool created;           // false: reused from an earlier run
};

// `names`: comma-separated DNS names and IP addresses for subjectAltName.
// Throws std::runtime_error with a sentence on failure.
DevCertificate ensure_dev_certificate(const std::string& state_dir, const std::string& names);
// ~/.local/state/tether-relay (XDG_STATE_HOME respected).
std::string default_state_dir();

}  // namespace relay
