// SessionClient: the relay's JSON session API over HttpClient.
#include "winnet/session_client.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "e2e/request_auth.h"
#include "http_client.h"
#include "session/plain_http_text.h"

namespace winnet {
namespace {

using nlohmann::json;

// Session API requests are short; the connect phase has its own bound.
constexpr std::chrono::seconds kRequestTimeout{20};

json parse_object(const Response& r, const char* what) {
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_object()) throw std::runtime_error(std::string("the relay's answer to ") + what + " is not JSON");
    return j;
}

std::string string_field(const json& j, const char* key, const char* what) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string())
        throw std::runtime_error(std::string("the relay's answer to ") + what + " lacks '" + key + "'");
    return it->get<std::string>();
}

std::pair<std::string, std::string> relay_error(const Response& r) {
    auto j = json::parse(r.body, nullptr, false);
    if (!j.is_object()) return {};
    return {j.value("error", std::string()), j.value("message", std::string())};
}

[[noreturn]] void refuse(const Response& r, const char* what) {
    auto [id, message] = relay_error(r);
    std::string detail = message.empty() ? id : message;
    throw std::runtime_error(std::string("the relay refused to ") + what + " (" + std::to_string(r.status()) +
                             (detail.empty() ? ")" : "): " + detail));
}

Response call(const Config& cfg, const std::string& method, const std::string& path, const std::string& body,
              const std::string& token = {}) {
    Route route = route_of(cfg);
    HttpClient client(cfg, route, token);
    http1::Headers extra;
    if (!body.empty()) extra.emplace_back("Content-Type", "application/json");
    return client.request(method, path, body, kRequestTimeout, extra);
}

// Over plain HTTP a new side gets a request key instead of a usable bearer
// token (e2e/request_auth.h, docs/SECURITY.md "Plain HTTP"): a fresh X25519
// key pair agreed with the relay key proxy.conf pins. Its public half goes
// in the create/join body. nullopt over HTTPS.
std::optional<e2e::SideKey> plain_http_key(const Config& cfg) {
    Route route = route_of(cfg);  // first the admin's permission (allow_plain_http), then the key
    if (!route.plain()) return std::nullopt;
    try {
        if (auto key = e2e::new_side_key(cfg.relay_key)) return key;
    } catch (const e2e::CryptoError&) {
        throw session::CarrierError(session::relay_key_unusable_text(), true);
    }
    throw session::CarrierError(session::relay_key_missing_text(route.relay_name()), true);
}

// POST of a create/join body, with the side's key over plain HTTP; a
// success must be signed under the new key with n = 0 (it proves that the
// relay got our key, not a proxy's).
Response call_keyed(const Config& cfg, const std::string& path, json body, const std::optional<e2e::SideKey>& key) {
    if (key) body["key"] = key->public_hex;
    Response r = call(cfg, "POST", path, body.dump());
    if (key && (r.status() == 200 || r.status() == 201)) {
        auto mac = e2e::parse_response_auth(r.head.header("X-Tether-Auth"));
        if (!mac || !e2e::mac_equal(*mac, e2e::response_mac(key->request_key, 0, r.status(), r.body)))
            throw session::CarrierError(session::unsigned_session_answer_text("POST", path, r.status()), true);
    }
    return r;
}

// The side's credential: the token, or the token with its request key.
std::string credential(const std::string& token, const std::optional<e2e::SideKey>& key) {
    return key ? e2e::keyed_credential(token, key->request_key) : token;
}

}  // namespace

CreatedSession SessionClient::create(const std::string& name) {
    const auto key = plain_http_key(cfg_);
    auto r = call_keyed(cfg_, "/v1/sessions", json{{"name", name}}, key);
    if (r.status() != 201 && r.status() != 200) refuse(r, "create a session");
    auto j = parse_object(r, "create");
    return {string_field(j, "code", "create"), credential(string_field(j, "token", "create"), key),
            std::chrono::seconds(j.value("expires_in", 0))};
}

JoinedSession SessionClient::join(const std::string& code) {
    const auto key = plain_http_key(cfg_);
    auto r = call_keyed(cfg_, "/v1/sessions/join", json{{"code", code}}, key);
    if (r.status() != 200) {
        auto [id, message] = relay_error(r);
        if (id.empty()) id = "http_" + std::to_string(r.status());
        std::string text = session::join_error_text(id, message);
        std::string retry = r.head.header("Retry-After");
        if (id == "rate_limited" && !retry.empty()) text += " (retry in " + retry + " s)";
        throw session::JoinError(id, text, r.status());
    }
    auto j = parse_object(r, "join");
    return {credential(string_field(j, "token", "join"), key), j.value("name", std::string())};
}

void SessionClient::end(const std::string& token) {
    auto r = call(cfg_, "DELETE", "/v1/session", "", token);
    int s = r.status();
    if (s != 204 && s != 200 && s != 401 && s != 410) refuse(r, "end the session");  // 401/410: already gone
}

}  // namespace winnet
