#include "relay/errors.h"

#include <nlohmann/json.hpp>

namespace relay {

ErrorInfo describe(ApiError e) {
    switch (e) {
    case ApiError::bad_request: return {400, "bad_request", "The request is malformed."};
    case ApiError::unknown_code: return {404, "unknown_code", "No session has this code. Check the digits with your supporter."};
    case ApiError::expired_code: return {410, "expired_code", "This code has expired. Ask your supporter for a new one."};
    case ApiError::used_code: return {409, "used_code", "This code was already used. Codes work once; ask your supporter for a new one."};
    case ApiError::ended_session: return {410, "ended_session", "This session has ended."};
    case ApiError::rate_limited: return {429, "rate_limited", "Too many attempts. Wait a moment, then try again."};
    case ApiError::bad_token: return {401, "bad_token", "Missing or unknown session token."};
    case ApiError::bad_mac: return {401, "bad_mac", "The request's authentication (X-Tether-Auth) is missing, malformed or does not match this session's key: the request was forged or altered on the way (by a proxy?), or does not come from this session's program."};
    case ApiError::replayed: return {401, "replayed", "This request was already received once (its sequence number is used): something on the path, such as a proxy, sent it again. The session goes on; the copy is refused."};
    case ApiError::key_required: return {401, "key_required", "Over plain HTTP every request must be authenticated with the session's key, not a bearer token: use a Tether version that does this, with the relay's key (relay_key) set in proxy.conf."};
    case ApiError::protocol_error: return {400, "protocol_error", "Malformed frames on this stream."};
    case ApiError::replaced: return {409, "replaced", "A newer connection of this side took over."};
    case ApiError::busy: return {503, "busy", "The relay has too many sessions. Try again later."};
    case ApiError::directory_unavailable: return {503, "directory_unavailable", "The relay's session directory is unavailable; try again in a minute."};
    case ApiError::not_found: return {404, "not_found", "No such path."};
    case ApiError::head_too_large: return {431, "head_too_large", "The request head is too large."};
    case ApiError::body_too_large: return {413, "body_too_large", "The request body is too large."};
    case ApiError::internal: break;
    }
    return {500, "internal", "The relay failed; this is a bug."};
}

std::string error_json(ApiError e) {
    ErrorInfo info = describe(e);
    return nlohmann::json{{"error", info.id}, {"message", info.message}}.dump();
}

}  // namespace relay
