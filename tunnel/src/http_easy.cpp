// libcurl easy-handle setup and error mapping (see http_easy.h).
#include "http_easy.h"

#include <nlohmann/json.hpp>

#include "e2e/request_auth.h"
#include "http1/http1.h"
#include "session/plain_http_text.h"

#include <mutex>

namespace tunnel::http {
namespace {

// TCP keepalive probes (seconds): the heartbeats find dead paths first; these
// only stop NAT boxes and the kernel from keeping half-dead sockets forever.
constexpr long kKeepIdleSeconds = 20;
constexpr long kKeepIntervalSeconds = 10;

void set_trust(CURL* h, const EndpointConfig& cfg) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!cfg.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, cfg.ca_file.c_str());
}

void set_proxy(CURL* h, const EndpointConfig& cfg) {
    // "" disables the environment's *_proxy: the configuration decides.
    curl_easy_setopt(h, CURLOPT_PROXY, cfg.proxy_url.c_str());
    if (cfg.proxy_url.empty()) return;
    if (is_plain_http(cfg.relay_url)) {
        // Allowed plain HTTP (checked in Easy): forward-proxy requests, the
        // way through proxies that refuse CONNECT. Our headers then go in
        // the one request the proxy forwards.
        curl_easy_setopt(h, CURLOPT_HEADEROPT, CURLHEADER_UNIFIED);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPPROXYTUNNEL, 1L);
        // The proxy's CONNECT answer is not the relay's: keep it out of header callbacks.
        curl_easy_setopt(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    }
    unsigned long auth = parse_proxy_auth(cfg.proxy_auth);
    curl_easy_setopt(h, CURLOPT_PROXYAUTH, auth);
    if (!cfg.proxy_user.empty()) {
        curl_easy_setopt(h, CURLOPT_PROXYUSERNAME, cfg.proxy_user.c_str());
        curl_easy_setopt(h, CURLOPT_PROXYPASSWORD, cfg.proxy_password.c_str());
    } else if (auth & CURLAUTH_NEGOTIATE) {
        // Negotiate single sign-on uses the Kerberos ticket: empty credentials.
        curl_easy_setopt(h, CURLOPT_PROXYUSERPWD, ":");
    }
}

void set_socket(CURL* h, const EndpointConfig& cfg) {
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, kKeepIdleSeconds);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, kKeepIntervalSeconds);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(cfg.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
}

// "http://host:port/a/b?c" -> "/a/b?c": the target the relay sees.
std::string origin_target(const std::string& url) {
    auto scheme = url.find("://");
    auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return slash == std::string::npos ? "/" : url.substr(slash);
}

}  // namespace

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void check_plain_http_allowed(const EndpointConfig& cfg) {
    if (is_plain_http(cfg.relay_url) && !cfg.allow_plain_http)
        throw session::CarrierError(session::plain_http_not_allowed_text(cfg.relay_url), true);
}

Easy::Easy(const EndpointConfig& cfg, const std::string& path, const std::string& credential)
    : cred_(parse_credential(credential)), target_(origin_target(join_url(cfg.relay_url, path))) {
    global_init();
    check_plain_http_allowed(cfg);
    h_ = curl_easy_init();
    if (!h_) throw session::CarrierError("out of memory creating an HTTP request");
    curl_easy_setopt(h_, CURLOPT_URL, join_url(cfg.relay_url, path).c_str());
    curl_easy_setopt(h_, CURLOPT_ERRORBUFFER, err_);
    // The relay speaks HTTP/1.1; chunked streams rely on it.
    curl_easy_setopt(h_, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    // Headers set here go to the relay only, never in the CONNECT request.
    curl_easy_setopt(h_, CURLOPT_HEADEROPT, CURLHEADER_SEPARATE);
    // Names Tether and its version to the relay and, in CONNECT, to the
    // proxy, so that admins can write rules for it (Windows: winnet/).
    curl_easy_setopt(h_, CURLOPT_USERAGENT, http1::user_agent("Linux").c_str());
    set_trust(h_, cfg);
    set_proxy(h_, cfg);
    set_socket(h_, cfg);
    if (!cred_.token.empty() && !cred_.key) add_header("Authorization: Bearer " + cred_.token);
}

void Easy::sign(const std::string& method, const std::string& body) {
    if (!cred_.key) return;
    seq_ = next_request_seq();
    e2e::RequestAuth a{cred_.token, seq_, e2e::request_mac(*cred_.key, method, target_, cred_.token, seq_, body)};
    set_headers();
    headers_ = curl_slist_append(headers_, ("X-Tether-Auth: " + e2e::format_request_auth(a)).c_str());
    curl_easy_setopt(h_, CURLOPT_HTTPHEADER, headers_);
}

void Easy::check_answer(long status, const std::string& body, const std::string& auth_header) const {
    // Only successes are checked: the relay cannot sign refusals that come
    // before it knows the key, and a forged refusal only stops this request,
    // which anyone on the path can do anyway.
    if (!cred_.key || status < 200 || status >= 300) return;
    auto mac = e2e::parse_response_auth(auth_header);
    if (!mac || !e2e::mac_equal(*mac, e2e::response_mac(*cred_.key, seq_, static_cast<int>(status), body)))
        throw session::CarrierError(session::unsigned_answer_text(status, target_), false);
}

void Easy::set_headers() {
    curl_slist_free_all(headers_);
    headers_ = nullptr;
    for (const auto& l : lines_) headers_ = curl_slist_append(headers_, l.c_str());
}

Easy::~Easy() {
    if (h_) curl_easy_cleanup(h_);
    curl_slist_free_all(headers_);
}

void Easy::add_header(const std::string& line) {
    lines_.push_back(line);
    headers_ = curl_slist_append(headers_, line.c_str());
    curl_easy_setopt(h_, CURLOPT_HTTPHEADER, headers_);
}

long Easy::response_code() const {
    long code = 0;
    curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

long Easy::connect_code() const {
    long code = 0;
    curl_easy_getinfo(h_, CURLINFO_HTTP_CONNECTCODE, &code);
    return code;
}

unsigned long Easy::proxy_auth_offered() const {
    long bits = 0;
    curl_easy_getinfo(h_, CURLINFO_PROXYAUTH_AVAIL, &bits);
    return static_cast<unsigned long>(bits);
}

std::string join_url(const std::string& base, const std::string& path) {
    std::string b = base;
    while (!b.empty() && b.back() == '/') b.pop_back();
    return path.empty() || path.front() == '/' ? b + path : b + "/" + path;
}

RelayError parse_relay_error(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return {};
    return {j.value("error", std::string()), j.value("message", std::string())};
}

}  // namespace tunnel::http
