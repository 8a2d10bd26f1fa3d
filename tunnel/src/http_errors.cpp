// The one place where libcurl results and relay HTTP statuses become
// sentences a person can act on. Each message names what failed, the party
// that said so (proxy or relay) and what to check.
#include "http_easy.h"
#include "session/join_error.h"
#include "session/plain_http_text.h"
#include "session/proxy_auth_text.h"

namespace tunnel::http {
namespace {

// The proxy answered CONNECT with 407. Which schemes it offered tells
// "wrong password" apart from "no scheme we may use" (a Basic-only proxy
// under the default anysafe: curl then sent no credentials at all).
session::CarrierError auth_refused(const Easy& e, const EndpointConfig& cfg) {
    unsigned long offered = e.proxy_auth_offered(), allowed = parse_proxy_auth(cfg.proxy_auth);
    session::ProxyAuthRefusal r;
    r.proxy = proxy_host_port(cfg);
    r.user = cfg.proxy_user;
    // curl answers a 407 only with a scheme both sides allow, and Basic or
    // Digest only with a user (offered 0: a proxy that named none).
    r.credentials_sent = !cfg.proxy_user.empty() && (offered == 0 || (offered & allowed) != 0);
    r.only_basic_offered = offered == CURLAUTH_BASIC;
    r.basic_allowed = (allowed & CURLAUTH_BASIC) != 0;
    r.allowed = cfg.proxy_auth;
    return {session::proxy_auth_refused_text(r), true};
}

// The proxy answered CONNECT with something other than 200.
session::CarrierError connect_refused(long code, const Easy& e, const EndpointConfig& cfg) {
    std::string relay = relay_host_port(cfg), proxy = proxy_host_port(cfg);
    std::string status = " (" + std::to_string(code) + ")";
    if (code == 407) return auth_refused(e, cfg);
    if (code == 403 || code == 405 || code == 501) {
        session::CarrierError e("the proxy refused CONNECT to " + relay + status +
                                    ": ask the proxy admin to allow CONNECT to this host and port",
                                true);
        e.connect_refused = true;
        return e;
    }
    return {"the proxy " + proxy + " could not open a tunnel to " + relay + status +
                ": check that the proxy can resolve and reach the relay", false};
}

session::CarrierError tls_failure(CURLcode rc, const Easy& e, const EndpointConfig& cfg) {
    std::string relay = relay_host_port(cfg);
    if (rc == CURLE_SSL_CACERT_BADFILE)
        return {"cannot read the CA file '" + cfg.ca_file + "': check the --ca path", true};
    return {"the relay " + relay + " presented a certificate that cannot be verified (" +
                e.error_text() + "): if the relay uses a private CA, pass its certificate "
                "with --ca FILE; if a TLS-inspecting proxy is in the way, pass the proxy's CA",
            true};
}

// Trust failures: retrying cannot help. A handshake that merely broke
// (CURLE_SSL_CONNECT_ERROR, e.g. a reset mid-handshake) is not one of them.
bool is_tls_failure(CURLcode rc) {
    return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
           rc == CURLE_SSL_CERTPROBLEM;
}

session::CarrierError unreachable(CURLcode rc, const Easy& e, const EndpointConfig& cfg) {
    bool via_proxy = !cfg.proxy_url.empty();
    std::string who = via_proxy ? "the proxy " + proxy_host_port(cfg)
                                : "the relay " + relay_host_port(cfg);
    if (rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_COULDNT_RESOLVE_HOST)
        return {"cannot resolve " + who + ": check the name and DNS", false};
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return {"no answer from " + who + " in time (" + e.error_text() + ")", false};
    return {"cannot reach " + who + " (" + e.error_text() + ")", false};
}

}  // namespace

session::CarrierError describe_failure(const Easy& e, CURLcode rc, const EndpointConfig& cfg) {
    long connect = e.connect_code();
    if (!cfg.proxy_url.empty() && connect != 0 && connect != 200) return connect_refused(connect, e, cfg);
    if (is_tls_failure(rc)) return tls_failure(rc, e, cfg);
    if (rc == CURLE_SSL_CONNECT_ERROR)
        return {"the TLS handshake with the relay " + relay_host_port(cfg) + " broke off (" +
                    e.error_text() + ")", false};
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
        return unreachable(rc, e, cfg);
    case CURLE_PARTIAL_FILE:  // "transfer closed with outstanding read data remaining"
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        return {"the connection to the relay " + relay_host_port(cfg) +
                    " was cut off (by the network or a proxy on the way)", false};
    default:
        return {"the connection to the relay " + relay_host_port(cfg) + " failed (" +
                    (e.error_text()[0] ? e.error_text() : curl_easy_strerror(rc)) + ")", false};
    }
}

session::CarrierError describe_status(long status, const std::string& body) {
    RelayError err = parse_relay_error(body);
    std::string detail = err.message.empty() ? "" : ": " + err.message;
    // 401 to a keyed request (plain HTTP): a replay (our own request sent
    // twice by libcurl or a proxy after a cut connection, or a copy someone
    // sent first: this request is lost and the next one works), a MAC
    // refused (altered on the way) or a key required.
    if (status == 401)
        if (std::string text = session::keyed_refusal_text(err.id, detail); !text.empty())
            return {text, err.id != "replayed"};
    if (status == 401 || status == 410) return {session::session_gone_text(status), true};
    session::CarrierError e("the relay answered " + std::to_string(status) + detail, status == 403);
    // 403 too: the relay refuses this token. Other answers may pass on retry.
    if (status == 413)
        e = session::CarrierError("a request was refused as too long (413" + detail +
                         "): the relay or something on the path limits request bodies");
    e.http_status = static_cast<int>(status);
    return e;
}

}  // namespace tunnel::http
