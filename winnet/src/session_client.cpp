// SessionClient: the relay's JSON session API over HttpClient.
#include "winnet/session_client.h"

#include <nlohmann/json.hpp>

#include "http_client.h"

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

}  // namespace

CreatedSession SessionClient::create(const std::string& name) {
    auto r = call(cfg_, "POST", "/v1/sessions", json{{"name", name}}.dump());
    if (r.status() != 201 && r.status() != 200) refuse(r, "create a session");
    auto j = parse_object(r, "create");
    return {string_field(j, "code", "create"), string_field(j, "token", "create"),
            std::chrono::seconds(j.value("expires_in", 0))};
}

JoinedSession SessionClient::join(const std::string& code) {
    auto r = call(cfg_, "POST", "/v1/sessions/join", json{{"code", code}}.dump());
    if (r.status() != 200) {
        auto [id, message] = relay_error(r);
        if (id.empty()) id = "http_" + std::to_string(r.status());
        std::string text = session::join_error_text(id, message);
        std::string retry = r.head.header("Retry-After");
        if (id == "rate_limited" && !retry.empty()) text += " (retry in " + retry + " s)";
        throw session::JoinError(id, text, r.status());
    }
    auto j = parse_object(r, "join");
    return {string_field(j, "token", "join"), j.value("name", std::string())};
}

void SessionClient::end(const std::string& token) {
    auto r = call(cfg_, "DELETE", "/v1/session", "", token);
    int s = r.status();
    if (s != 204 && s != 200 && s != 401 && s != 410) refuse(r, "end the session");  // 401/410: already gone
}

}  // namespace winnet
