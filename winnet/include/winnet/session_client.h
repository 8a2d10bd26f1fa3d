// The relay's JSON session API (docs/PROTOCOL.md 1) for Windows endpoints:
// create (desk), join by code (client), end (either), with the same proxy
// and trust as the carriers. Never logs codes or tokens.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

#include "session/join_error.h"
#include "winnet/config.h"

namespace winnet {

struct CreatedSession {
    std::string code;   // 6 digits (9 while the relay sees guessing)
    std::string token;  // secret
    std::chrono::seconds expires_in{0};
};

struct JoinedSession {
    std::string token;
    std::string peer_name;
};

// Transport failures throw session::CarrierError; other refusals
// std::runtime_error.
class SessionClient {
public:
    explicit SessionClient(Config cfg) : cfg_(std::move(cfg)) {}
    CreatedSession create(const std::string& name);
    JoinedSession join(const std::string& code);  // session::JoinError when the relay refuses the code
    void end(const std::string& token);

private:
    Config cfg_;
};

}  // namespace winnet
