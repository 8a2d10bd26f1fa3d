// Session API (docs/PROTOCOL.md section 1): thin adapters from HTTP/JSON to
// SessionDirectory and RateLimiter.
#include <nlohmann/json.hpp>

#include "http_context.h"

namespace relay {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxNameChars = 64;  // PROTOCOL.md: supporter name <= 64 chars

// The JSON object in `body`; an empty body counts as {}. nullopt if not an object.
std::optional<json> parse_object(const std::string& body) {
    if (body.empty()) return json::object();
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

std::optional<std::string> parse_name(const std::string& body) {
    auto j = parse_object(body);
    if (!j) return std::nullopt;
    if (!j->contains("name")) return std::string();
    const json& name = (*j)["name"];
    if (!name.is_string() || name.get<std::string>().size() > kMaxNameChars) return std::nullopt;
    return name.get<std::string>();
}

std::optional<std::string> parse_code(const std::string& body) {
    auto j = parse_object(body);
    if (!j || !j->contains("code") || !(*j)["code"].is_string()) return std::nullopt;
    std::string code = (*j)["code"].get<std::string>();
    if (!valid_code_syntax(code)) return std::nullopt;
    return code;
}

// 429 with Retry-After unless `limiter` admits one more attempt from this address.
bool admitted(RateLimiter& limiter, Metrics& metrics, Exchange& ex) {
    const Admission admission = limiter.admit(ex.request().remote_addr);
    if (admission.allowed) return true;
    ++metrics.rate_limited;
    Response res = error_response(ApiError::rate_limited);
    res.set(http::field::retry_after, std::to_string(admission.retry_after.count()));
    ex.respond(std::move(res));
    return false;
}

void refuse_join(HttpContext& cx, Exchange& ex, ApiError e) {
    cx.metrics.join_failed(e);
    cx.log.info("join from " + ex.request().remote_addr, std::string("refused: ") + describe(e).id);
    ex.respond(error_response(e));
}

std::optional<std::string> bearer_token(const HttpRequest& req) {
    const std::string value = req.header(http::field::authorization);
    static const std::string scheme = "bearer ";
    if (value.size() <= scheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(value[i])) != scheme[i]) return std::nullopt;
    return value.substr(scheme.size());
}

}  // namespace

void create_session(HttpContext& cx, Exchange ex) {
    if (!admitted(cx.create_limiter, cx.metrics, ex)) return;
    auto name = parse_name(ex.request().body);
    if (!name) return ex.respond(error_response(ApiError::bad_request));
    auto result = cx.directory.create(*name);
    if (auto* e = std::get_if<ApiError>(&result)) return ex.respond(error_response(*e));
    const Created& c = std::get<Created>(result);
    ++cx.metrics.sessions_created;
    ex.authenticated();
    ex.respond(json_response(
        201, json{{"code", c.code}, {"token", c.token}, {"expires_in", cx.config.code_ttl.count()}}.dump()));
}

void join_session(HttpContext& cx, Exchange ex) {
    if (!admitted(cx.limiter, cx.metrics, ex)) {
        cx.metrics.join_failed(ApiError::rate_limited);
        return;
    }
    auto code = parse_code(ex.request().body);
    if (!code) return refuse_join(cx, ex, ApiError::bad_request);
    auto result = cx.directory.join(*code);
    if (auto* e = std::get_if<ApiError>(&result)) return refuse_join(cx, ex, *e);
    const Joined& j = std::get<Joined>(result);
    ++cx.metrics.joins;
    ex.authenticated();
    ex.respond(json_response(200, json{{"token", j.token}, {"name", j.session->name()}}.dump()));
}

void end_session(HttpContext& cx, Exchange ex) {
    auto ep = authenticate(cx, ex);
    if (!ep) return;
    cx.directory.end(*ep->session, ep->side == Side::desk ? EndCause::by_desk : EndCause::by_client);
    ex.respond(Response{http::status::no_content, 11});
}

void session_state(HttpContext& cx, Exchange ex) {
    auto ep = authenticate(cx, ex);
    if (!ep) return;
    const wire::PeerState peer = ep->session->peer_state(ep->side);
    const char* names[] = {"waiting", "connected", "reconnecting"};
    // Only the desk has a name (the supporter's); the client has none.
    const std::string peer_name = ep->side == Side::client ? ep->session->name() : "";
    ex.respond(json_response(200, json{{"state", names[static_cast<int>(peer)]}, {"peer_name", peer_name}}.dump()));
}

std::optional<Endpoint> authenticate(HttpContext& cx, Exchange& ex) {
    auto token = bearer_token(ex.request());
    if (!token) {
        ex.respond(error_response(ApiError::bad_token));
        return std::nullopt;
    }
    auto result = cx.directory.authenticate(*token);
    if (auto* e = std::get_if<ApiError>(&result)) {
        ex.respond(error_response(*e));
        return std::nullopt;
    }
    ex.authenticated();
    return std::get<Endpoint>(result);
}

}  // namespace relay
