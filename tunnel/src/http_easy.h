// Private libcurl adapter shared by StreamCarrier, SessionClient and the
// probe: one configured easy handle per request, and the one place where curl
// results become sentences a person can act on. Not installed: curl types
// stay out of tunnel/include.
#pragma once

#include <curl/curl.h>

#include <string>

#include "session/carrier.h"
#include "tunnel/http_settings.h"

namespace tunnel::http {

// Owns one easy handle, its header list and its error buffer. Not copyable.
class Easy {
public:
    // Configures URL = relay_url + path, TLS trust, proxy (always CONNECT),
    // proxy auth, TCP keepalive and TCP_NODELAY. `token`, when not empty,
    // goes in "Authorization: Bearer" to the relay only (never to the proxy).
    Easy(const EndpointConfig& cfg, const std::string& path, const std::string& token = "");
    ~Easy();
    Easy(const Easy&) = delete;
    Easy& operator=(const Easy&) = delete;

    CURL* get() const { return h_; }
    void add_header(const std::string& line);  // before perform
    const char* error_text() const { return err_; }
    long response_code() const;  // 0 if no response from the relay yet
    long connect_code() const;   // the proxy's answer to CONNECT, 0 if none
    // The auth schemes the proxy offered in its last 407 (CURLAUTH_* bits), 0 if none.
    unsigned long proxy_auth_offered() const;

private:
    CURL* h_ = nullptr;
    curl_slist* headers_ = nullptr;
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
};

// One blocking request to the relay: `method` "GET"/"POST"/"DELETE", an
// optional JSON body. Throws CarrierError (describe_failure) when no HTTP
// answer came back; any HTTP status is returned.
Response perform(const EndpointConfig& cfg, const std::string& method, const std::string& path,
                 const std::string& json_body = "", const std::string& token = "");

}  // namespace tunnel::http
