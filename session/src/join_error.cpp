#include "session/join_error.h"

namespace session {

std::string join_error_text(const std::string& id, const std::string& relay_message) {
    if (id == "unknown_code")
        return "no session has this code: check the digits with your supporter";
    if (id == "expired_code")
        return "this code expired before anyone joined: ask your supporter for a new code";
    if (id == "used_code")
        return "this code was already used (codes work once): ask your supporter for a new code";
    if (id == "ended_session")
        return "the session of this code has already ended: ask your supporter for a new code";
    if (id == "rate_limited") return "too many attempts to join: wait a moment and try again";
    if (id == "directory_unavailable")  // a relay cluster whose Redis is down (docs/RELAY.md "A cluster")
        return "the relay's session directory is unavailable: try again in a minute";
    if (id == "bad_request") return "a session code is 6 to 9 digits (as your supporter reads them out)";
    return "the relay refused to join" + (relay_message.empty() ? "" : ": " + relay_message);
}

std::string session_gone_text(long status) {
    return "the relay no longer knows this session (" + std::to_string(status) +
           "): it ended there or the relay restarted; start a new session";
}

}  // namespace session
