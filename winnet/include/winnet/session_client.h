// The relay's JSON session API (docs/PROTOCOL.md 1) for Windows endpoints:
// create (desk), join by code (client), end (either), with the same proxy
// and trust as the carriers. Never logs codes or tokens.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

#include "winnet/config.h"

namespace winnet {

struct CreatedSession {
    std::string code;   // 6 digits
    std::string token;  // secret
    std::chrono::seconds expires_in{0};
};

struct JoinedSession {
    std::string token;
    std::string peer_name;
};

// The relay refused a join: id() is its error id (unknown_code...), what()
// the same sentence as on Linux (tunnel/session_client.cpp).
class JoinError : public std::runtime_error {
public:
    JoinError(std::string id, const std::string& what, int status)
        : std::runtime_error(what), id_(std::move(id)), status_(status) {}
    const std::string& id() const { return id_; }
    int status() const { return status_; }

private:
    std::string id_;
    int status_;
};

// Transport failures throw session::CarrierError; other refusals
// std::runtime_error.
class SessionClient {
public:
    explicit SessionClient(Config cfg) : cfg_(std::move(cfg)) {}
    CreatedSession create(const std::string& name);
    JoinedSession join(const std::string& code);
    void end(const std::string& token);

private:
    Config cfg_;
};

}  // namespace winnet
