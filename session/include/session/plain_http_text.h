// The sentences of plain-HTTP poll mode (docs/SECURITY.md "Plain HTTP
// through proxies that refuse CONNECT"), one set for every platform's
// endpoint (tunnel/ on Linux, winnet/ on Windows), so that a customer and
// an admin read the same words whichever client they run.
#pragma once

#include <string>

namespace session {

// An http:// relay URL where proxy.conf does not allow plain HTTP.
inline std::string plain_http_not_allowed_text(const std::string& relay_url) {
    return "the relay URL " + relay_url +
           " is plain HTTP, which is not allowed (proxy.conf allow_plain_http = no): use an https:// relay URL, or "
           "ask the admin to allow plain HTTP for proxies that refuse CONNECT";
}

// Plain HTTP allowed, but proxy.conf pins no relay key.
inline std::string relay_key_missing_text(const std::string& relay_host_port) {
    return "plain HTTP to the relay " + relay_host_port +
           " needs the relay's public key, and proxy.conf gives none (relay_key = <64 hex digits>, printed by "
           "tether-relay at start): without it a proxy on the way could take over the session";
}

inline std::string relay_key_unusable_text() {
    return "proxy.conf relay_key is not a usable X25519 public key: copy it again from the relay's log";
}

// The create/join answer lacks the signature under the side's new key.
inline std::string unsigned_session_answer_text(const std::string& method, const std::string& path, long status) {
    return "the answer to " + method + " " + path + " (" + std::to_string(status) +
           ") is not signed with this session's new key: a proxy on the plain-HTTP path replaced our key or the "
           "answer, or the relay's key is not the one in proxy.conf (relay_key)";
}

// A later answer lacks the relay's signature for its request.
inline std::string unsigned_answer_text(long status, const std::string& target) {
    return "an answer (" + std::to_string(status) + ") to " + target +
           " did not carry the relay's signature for this request: it was forged, altered or replayed on the way "
           "(a proxy on the plain-HTTP path?), or it comes from something in front of the relay";
}

// The relay's 401 refusals of a keyed request (`id`: its error id); "" for
// other ids. `detail`: ": <the relay's message>" or "".
inline std::string keyed_refusal_text(const std::string& id, const std::string& detail) {
    if (id == "replayed")
        return "the relay refused a request as a replay (something on the path sent it twice); retrying";
    if (id == "bad_mac")
        return "the relay refused a request whose authentication did not match (altered on the way, e.g. by a "
               "proxy)" + detail;
    if (id == "key_required") return "the relay needs per-request authentication over plain HTTP" + detail;
    return "";
}

}  // namespace session
