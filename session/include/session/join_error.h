// The relay's refusal of a join (docs/PROTOCOL.md 1), in words a customer
// can act on: one type and one set of sentences for every platform's session
// API client (tunnel/ on Linux, winnet/ on Windows).
#pragma once

#include <stdexcept>
#include <string>

namespace session {

// id() is the relay's error id (unknown_code, expired_code, used_code,
// ended_session, rate_limited, bad_request); what() says what happened and
// what to do; status() is the HTTP status of the refusal.
class JoinError : public std::runtime_error {
public:
    JoinError(std::string id, const std::string& what, long status)
        : std::runtime_error(what), id_(std::move(id)), status_(status) {}
    const std::string& id() const { return id_; }
    long status() const { return status_; }

private:
    std::string id_;
    long status_;
};

// The sentence for a join error id; the relay's own message is used for ids
// this version does not know.
std::string join_error_text(const std::string& id, const std::string& relay_message);

// The relay answered a side's request 401 (no such token) or 410 (its
// session ended): one sentence on every platform, without the relay's token
// wording ("Missing or unknown session token", issue 16): "the relay no
// longer knows this session (401): it ended there or the relay restarted;
// start a new session".
std::string session_gone_text(long status);

}  // namespace session
