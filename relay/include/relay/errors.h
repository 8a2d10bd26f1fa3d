// Every error the relay reports to an endpoint: one id, one HTTP status, one
// sentence for a person (docs/PROTOCOL.md section 1).
#pragma once

#include <string>

namespace relay {

enum class ApiError {
    bad_request,     // 400 body is not what the endpoint expects
    unknown_code,    // 404 no session had this code (recently)
    expired_code,    // 410 nobody joined before the code expired
    used_code,       // 409 a client already joined with this code
    ended_session,   // 410 the session of this code or token has ended
    rate_limited,    // 429 too many join attempts
    bad_token,       // 401 missing or unknown bearer token
    bad_mac,         // 401 a request MAC (X-Tether-Auth) missing, malformed or wrong
    replayed,        // 401 a request MAC's sequence number was used already (or is too old)
    key_required,    // 401 a bearer token (or a create/join without a key) where requests must be MACed
    protocol_error,  // 400 malformed frames
    replaced,        // 409 a newer uplink/downlink of the same side took over
    busy,            // 503 too many live sessions
    directory_unavailable,  // 503 a cluster's Redis cannot be reached (creates, and lookups that need it)
    not_found,       // 404 no such path
    head_too_large,  // 431 a request line, header line, header count or head over its bound
    body_too_large,  // 413 a body read whole over --max-body-bytes
    internal,        // 500 a bug
};

struct ErrorInfo {
    int status;
    const char* id;
    const char* message;
};

ErrorInfo describe(ApiError e);
// {"error": id, "message": sentence}
std::string error_json(ApiError e);

}  // namespace relay
