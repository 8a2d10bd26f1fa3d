// SessionClient: the relay's JSON session API over libcurl.
#include "tunnel/session_client.h"

#include <chrono>
#include <utility>

#include <nlohmann/json.hpp>

#include "e2e/request_auth.h"
#include "http_easy.h"
#include "session/plain_http_text.h"

namespace tunnel {
namespace {

using nlohmann::json;

json parse_object(const http::Response& r, const char* what) {
    auto j = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object())
        throw std::runtime_error(std::string("the relay's answer to ") + what + " is not JSON");
    return j;
}

std::string string_field(const json& j, const char* key, const char* what) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string())
        throw std::runtime_error(std::string("the relay's answer to ") + what + " lacks '" + key + "'");
    return it->get<std::string>();
}

// An error answer without the relay's JSON error body did not come from the
// relay: through a TLS-inspecting proxy, the proxy's own error page (it
// holds the TLS connection); else something in front of the relay.
[[noreturn]] void not_from_relay(const http::Response& r, const EndpointConfig& cfg) {
    std::string relay = relay_host_port(cfg), status = std::to_string(r.status);
    std::string server = r.server.empty() ? "" : "; Server: " + r.server;
    if (!cfg.proxy_url.empty() && !is_plain_http(cfg.relay_url))
        throw std::runtime_error("the answer " + status + " came from the proxy " + proxy_host_port(cfg) +
                                 ", not from the relay " + relay + " (the proxy inspects TLS" + server +
                                 "): the proxy cannot reach the relay or refuses to; check that the relay "
                                 "runs, or ask the proxy's admin to let Tether through to it");
    throw std::runtime_error("the answer " + status + " did not come from the relay " + relay +
                             " but from something in front of it (no Tether error in it" + server +
                             "): check that the relay runs behind it and that " + cfg.relay_url +
                             " is the relay's URL");
}

// Any non-success answer outside join: one sentence with the relay's words.
[[noreturn]] void refuse(const http::Response& r, const char* what, const EndpointConfig& cfg) {
    auto err = http::parse_relay_error(r.body);
    if (err.id.empty()) not_from_relay(r, cfg);
    std::string detail = err.message.empty() ? err.id : err.message;
    throw std::runtime_error(std::string("the relay refused to ") + what + " (" +
                             std::to_string(r.status) + (detail.empty() ? ")" : "): " + detail));
}

[[noreturn]] void refuse_join(const http::Response& r) {
    auto err = http::parse_relay_error(r.body);
    std::string id = err.id.empty() ? "http_" + std::to_string(r.status) : err.id;
    std::string text = session::join_error_text(id, err.message);
    if (id == "rate_limited" && !r.retry_after.empty())
        text += " (retry in " + r.retry_after + " s)";
    throw session::JoinError(id, text, r.status);
}

// Over plain HTTP a side gets a request key instead of a usable bearer
// token (e2e/request_auth.h): a fresh X25519 key pair agreed with the relay's
// pinned key. Its public half goes in the create/join body.
using PlainKey = e2e::SideKey;

std::optional<PlainKey> plain_http_key(const EndpointConfig& cfg) {
    if (!is_plain_http(cfg.relay_url)) return std::nullopt;
    http::check_plain_http_allowed(cfg);  // first the admin's permission, then the key
    try {
        if (auto key = e2e::new_side_key(cfg.relay_key)) return key;
    } catch (const e2e::CryptoError&) {
        throw session::CarrierError(session::relay_key_unusable_text(), true);
    }
    throw session::CarrierError(session::relay_key_missing_text(relay_host_port(cfg)), true);
}

json with_key(json body, const std::optional<PlainKey>& key) {
    if (key) body["key"] = key->public_hex;
    return body;
}

std::optional<e2e::Key> answer_key(const std::optional<PlainKey>& key) {
    if (!key) return std::nullopt;
    return key->request_key;
}

// The side's credential: the token, or the token with its request key.
std::string credential(const std::string& token, const std::optional<PlainKey>& key) {
    return key ? http::keyed_credential(token, key->request_key) : token;
}

}  // namespace

namespace {

// (count, unit): minutes from two minutes up, else seconds; rounded down
// to whole minutes for what is left of a code (never promise more than
// that), to the nearest for a lifetime (600 s measured a round trip late
// are still "10 minutes").
std::pair<long long, const char*> count_and_unit(std::chrono::milliseconds d, bool nearest) {
    using namespace std::chrono;
    if (d >= minutes(2)) return {(nearest ? round<minutes>(d) : floor<minutes>(d)).count(), "minute"};
    return {(nearest ? round<seconds>(d) : ceil<seconds>(d)).count(), "second"};
}

// "9 minutes", "1 more second" (`between` = "more ").
std::string count_words(long long n, const char* unit, const char* between = "") {
    return std::to_string(n) + " " + between + unit + (n == 1 ? "" : "s");
}

}  // namespace

std::string duration_words(std::chrono::milliseconds d) {
    auto [n, unit] = count_and_unit(d, true);
    return count_words(n, unit);
}

std::string validity_words(std::chrono::milliseconds left) {
    if (left <= std::chrono::milliseconds::zero()) return "expired";
    auto [n, unit] = count_and_unit(left, false);
    return "valid for " + count_words(n, unit, "more ");
}

CreatedSession SessionClient::create(const std::string& name) {
    const auto key = plain_http_key(cfg_);
    auto r = http::perform(cfg_, "POST", "/v1/sessions", with_key(json{{"name", name}}, key).dump(), "",
                           answer_key(key));
    if (r.status != 201 && r.status != 200) refuse(r, "create a session", cfg_);
    auto j = parse_object(r, "create");
    CreatedSession s;
    s.code = string_field(j, "code", "create");
    s.token = credential(string_field(j, "token", "create"), key);
    s.expires_in = std::chrono::seconds(j.value("expires_in", 0));
    return s;
}

JoinedSession SessionClient::join(const std::string& code) {
    const auto key = plain_http_key(cfg_);
    auto r = http::perform(cfg_, "POST", "/v1/sessions/join", with_key(json{{"code", code}}, key).dump(), "",
                           answer_key(key));
    if (r.status != 200) refuse_join(r);
    auto j = parse_object(r, "join");
    return {credential(string_field(j, "token", "join"), key), j.value("name", std::string())};
}

void SessionClient::end(const std::string& token) {
    auto r = http::perform(cfg_, "DELETE", "/v1/session", "", token);
    // 401/410: already gone, which is what we wanted.
    if (r.status != 204 && r.status != 200 && r.status != 401 && r.status != 410)
        refuse(r, "end the session", cfg_);
}

}  // namespace tunnel
