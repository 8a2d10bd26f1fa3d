// Small blocking requests to the relay (session API, health checks).
#include "http_easy.h"

#include "e2e/request_auth.h"
#include "session/plain_http_text.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace tunnel::http {
namespace {

constexpr std::size_t kBodyMax = 64 * 1024;  // answers of the session API are tiny
constexpr long kRequestTimeoutMs = 30000;    // whole request, after connecting

std::size_t body_cb(char* p, std::size_t size, std::size_t n, void* out) {
    auto* r = static_cast<Response*>(out);
    std::size_t len = size * n;
    r->body.append(p, std::min(len, kBodyMax - std::min(kBodyMax, r->body.size())));
    return len;
}

}  // namespace

std::optional<std::string> header_value(const std::string& line, const std::string& name) {
    if (line.size() < name.size()) return std::nullopt;
    for (std::size_t i = 0; i < name.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return std::nullopt;
    std::string v = line.substr(name.size());
    v.erase(0, v.find_first_not_of(" \t"));
    v.erase(v.find_last_not_of(" \t\r\n") + 1);
    return v;
}

namespace {

std::size_t header_cb(char* p, std::size_t size, std::size_t n, void* out) {
    std::string line(p, size * n);
    auto* r = static_cast<Response*>(out);
    if (auto v = header_value(line, "retry-after:")) r->retry_after = *v;
    if (auto v = header_value(line, "server:")) r->server = *v;
    if (auto v = header_value(line, "x-tether-auth:")) r->auth = *v;
    return size * n;
}

}  // namespace

Response perform(const EndpointConfig& cfg, const std::string& method, const std::string& path,
                 const std::string& json_body, const std::string& credential,
                 const std::optional<e2e::Key>& answer_key) {
    Easy e(cfg, path, credential);
    Response r;
    CURL* h = e.get();
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, body_cb);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, kRequestTimeoutMs + static_cast<long>(cfg.connect_timeout.count()));
    if (method == "POST") {
        e.add_header("Content-Type: application/json");
        e.add_header("Expect:");
        curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, json_body.c_str());
    } else if (method != "GET") {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    e.sign(method, method == "POST" ? json_body : "");
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) throw describe_failure(e, rc, cfg);
    r.status = e.response_code();
    if (answer_key && (r.status == 200 || r.status == 201)) {
        auto mac = e2e::parse_response_auth(r.auth);
        if (!mac || !e2e::mac_equal(*mac, e2e::response_mac(*answer_key, 0, static_cast<int>(r.status), r.body)))
            throw session::CarrierError(session::unsigned_session_answer_text(method, path, r.status), true);
    } else if (!answer_key) {
        e.check_answer(r.status, r.body, r.auth);
    }
    return r;
}

}  // namespace tunnel::http
