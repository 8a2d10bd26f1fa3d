// The relay's session API (docs/PROTOCOL.md 1): create a session (desk),
// join one by code (client), end it (either). Blocking HTTPS requests with
// the same proxy and trust settings as the carriers. Never logs codes or
// tokens.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

#include "session/join_error.h"
#include "tunnel/http_settings.h"

namespace tunnel {

struct CreatedSession {
    std::string code;   // 6 digits (9 while the relay sees guessing), to read out on the phone
    std::string token;  // secret: authorises this side's carriers (over plain HTTP: with its request key)
    std::chrono::seconds expires_in{0};  // until the code expires unused
};

struct JoinedSession {
    std::string token;
    std::string peer_name;  // the supporter's name, may be empty
};

// Transport failures (proxy, TLS, relay down) throw CarrierError
// (session/carrier.h); other refusals of the relay throw std::runtime_error.
class SessionClient {
public:
    explicit SessionClient(EndpointConfig cfg) : cfg_(std::move(cfg)) {}

    CreatedSession create(const std::string& name);  // POST /v1/sessions
    JoinedSession join(const std::string& code);     // POST /v1/sessions/join; session::JoinError
    void end(const std::string& token);              // DELETE /v1/session

private:
    EndpointConfig cfg_;
};


// How long a code lives, for people: "10 minutes", "90 seconds", "1
// second": whole minutes from two minutes up, else seconds, to the nearest.
std::string duration_words(std::chrono::milliseconds d);
// What is left of a code's life: "valid for 9 more minutes", "valid for 1
// more second"; "expired" at zero or below. Minutes are rounded down (never
// promise more than is left), seconds up (a code is valid until it is not).
std::string validity_words(std::chrono::milliseconds left);

}  // namespace tunnel
