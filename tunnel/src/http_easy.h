// Private libcurl adapter shared by StreamCarrier, SessionClient and the
// probe: one configured easy handle per request, and the one place where curl
// results become sentences a person can act on. Not installed: curl types
// stay out of tunnel/include.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "e2e/request_auth.h"

#include "session/carrier.h"
#include "tunnel/http_settings.h"

namespace tunnel::http {

// A side's credential (e2e/request_auth.h: the token, or "<token>~<request
// key hex>" for a side keyed over plain HTTP); one definition for Linux and
// Windows.
using Credential = e2e::SideCredential;
inline Credential parse_credential(const std::string& c) { return e2e::parse_side_credential(c); }
using e2e::keyed_credential;
using e2e::next_request_seq;

// Owns one easy handle, its header list and its error buffer. Not copyable.
class Easy {
public:
    // Configures URL = relay_url + path, TLS trust, proxy (CONNECT, or
    // forward-proxy requests for an allowed http:// relay), proxy auth, TCP
    // keepalive and TCP_NODELAY. `credential` (see Credential), when not
    // empty: a plain token goes in "Authorization: Bearer" to the relay only
    // (never to the proxy); a keyed one makes sign() required.
    Easy(const EndpointConfig& cfg, const std::string& path, const std::string& credential = "");
    ~Easy();
    Easy(const Easy&) = delete;
    Easy& operator=(const Easy&) = delete;

    CURL* get() const { return h_; }
    void add_header(const std::string& line);  // before perform
    // Before each perform of a keyed credential (no-op otherwise): a fresh
    // sequence number and the MAC over `method` and `body` in X-Tether-Auth.
    void sign(const std::string& method, const std::string& body);
    // After each perform of a keyed credential (no-op otherwise, and for
    // answers other than 2xx): throws a CarrierError unless `auth_header` (the answer's X-Tether-Auth
    // value) is the relay's MAC over this answer to the last signed request.
    void check_answer(long status, const std::string& body, const std::string& auth_header) const;
    bool keyed() const { return cred_.key.has_value(); }
    const char* error_text() const { return err_; }
    long response_code() const;  // 0 if no response from the relay yet
    long connect_code() const;   // the proxy's answer to CONNECT, 0 if none
    // The auth schemes the proxy offered in its last 407 (CURLAUTH_* bits), 0 if none.
    unsigned long proxy_auth_offered() const;

private:
    void set_headers();

    CURL* h_ = nullptr;
    curl_slist* headers_ = nullptr;
    std::vector<std::string> lines_;  // headers_ without X-Tether-Auth
    Credential cred_;
    std::string target_;  // path and query as the relay sees them
    std::uint64_t seq_ = 0;  // of the last sign()
    char err_[CURL_ERROR_SIZE] = {0};
};

// Throws a fatal CarrierError when cfg.relay_url is http:// and plain HTTP
// is not allowed (Easy does this before every request; the probe reports it).
void check_plain_http_allowed(const EndpointConfig& cfg);

// libcurl needs one global init per process; cheap to call again.
void global_init();

// Turns a failed transfer into a CarrierError with a sentence for a person
// (proxy refused CONNECT, bad proxy credentials, proxy down, certificate...).
// `what` names the request, e.g. "the downlink".
session::CarrierError describe_failure(const Easy& e, CURLcode rc, const EndpointConfig& cfg);

// Turns an HTTP error answer of the relay (status, JSON body
// {"error","message"}) into a CarrierError; 401 and 410 are fatal (the
// session is gone).
session::CarrierError describe_status(long status, const std::string& body);

// The "error" and "message" fields of a relay error body ("" if absent).
struct RelayError { std::string id, message; };
RelayError parse_relay_error(const std::string& body);

// relay_url + path with exactly one '/' between them.
std::string join_url(const std::string& base, const std::string& path);

}  // namespace tunnel::http

namespace tunnel::http {

// A whole (small) answer of the relay.
struct Response {
    long status = 0;
    std::string body;         // first 64 KiB
    std::string retry_after;  // the Retry-After header, if any
    std::string server;       // the Server header, if any (the relay sends none)
    std::string auth;         // the X-Tether-Auth header, if any (keyed answers)
};

// The value of `line` when it is the header `name` (lower case, with ':').
std::optional<std::string> header_value(const std::string& line, const std::string& name);

// One blocking request to the relay: `method` "GET"/"POST"/"DELETE", an
// optional JSON body. Throws CarrierError (describe_failure) when no HTTP
// answer came back; any HTTP status is returned.
// A keyed credential signs the request and checks the answer's MAC.
// `answer_key`: check the answer under this key and sequence number 0
// instead (create and join, whose answer names the new side).
Response perform(const EndpointConfig& cfg, const std::string& method, const std::string& path,
                 const std::string& json_body = "", const std::string& credential = "",
                 const std::optional<e2e::Key>& answer_key = std::nullopt);

}  // namespace tunnel::http
