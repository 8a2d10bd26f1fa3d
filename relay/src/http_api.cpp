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

void send_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

// 429 with Retry-After unless `limiter` admits one more attempt from this address.
bool admitted(RateLimiter& limiter, Metrics& metrics, const httplib::Request& req, httplib::Response& res) {
    const Admission admission = limiter.admit(req.remote_addr);
    if (admission.allowed) return true;
    ++metrics.rate_limited;
    res.set_header("Retry-After", std::to_string(admission.retry_after.count()));
    send_error(res, ApiError::rate_limited);
    return false;
}

void create_session(HttpContext& cx, const httplib::Request& req, httplib::Response& res) {
    if (!admitted(cx.create_limiter, cx.metrics, req, res)) return;
    auto name = parse_name(req.body);
    if (!name) return send_error(res, ApiError::bad_request);
    auto result = cx.directory.create(*name);
    if (auto* e = std::get_if<ApiError>(&result)) return send_error(res, *e);
    const Created& c = std::get<Created>(result);
    ++cx.metrics.sessions_created;
    send_json(res, 201, {{"code", c.code}, {"token", c.token}, {"expires_in", cx.config.code_ttl.count()}});
}

void refuse_join(HttpContext& cx, const httplib::Request& req, httplib::Response& res, ApiError e) {
    cx.metrics.join_failed(e);
    cx.log.info("join from " + req.remote_addr, std::string("refused: ") + describe(e).id);
    send_error(res, e);
}

void join_session(HttpContext& cx, const httplib::Request& req, httplib::Response& res) {
    if (!admitted(cx.limiter, cx.metrics, req, res)) {
        cx.metrics.join_failed(ApiError::rate_limited);
        return;
    }
    auto code = parse_code(req.body);
    if (!code) return refuse_join(cx, req, res, ApiError::bad_request);
    auto result = cx.directory.join(*code);
    if (auto* e = std::get_if<ApiError>(&result)) return refuse_join(cx, req, res, *e);
    const Joined& j = std::get<Joined>(result);
    ++cx.metrics.joins;
    send_json(res, 200, {{"token", j.token}, {"name", j.session->name()}});
}

void end_session(HttpContext& cx, const httplib::Request& req, httplib::Response& res) {
    auto ep = authenticate(cx, req, res);
    if (!ep) return;
    cx.directory.end(*ep->session, ep->side == Side::desk ? EndCause::by_desk : EndCause::by_client);
    res.status = 204;
}

void session_state(HttpContext& cx, const httplib::Request& req, httplib::Response& res) {
    auto ep = authenticate(cx, req, res);
    if (!ep) return;
    const wire::PeerState peer = ep->session->peer_state(ep->side);
    const char* names[] = {"waiting", "connected", "reconnecting"};
    // Only the desk has a name (the supporter's); the client has none.
    const std::string peer_name = ep->side == Side::client ? ep->session->name() : "";
    send_json(res, 200, {{"state", names[static_cast<int>(peer)]}, {"peer_name", peer_name}});
}

std::optional<std::string> bearer_token(const httplib::Request& req) {
    const std::string value = req.get_header_value("Authorization");
    static const std::string scheme = "bearer ";
    if (value.size() <= scheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(value[i])) != scheme[i]) return std::nullopt;
    return value.substr(scheme.size());
}

}  // namespace

void send_error(httplib::Response& res, ApiError e) {
    res.status = describe(e).status;
    res.set_content(error_json(e), "application/json");
}

std::optional<Endpoint> authenticate(HttpContext& cx, const httplib::Request& req, httplib::Response& res) {
    auto token = bearer_token(req);
    if (!token) {
        send_error(res, ApiError::bad_token);
        return std::nullopt;
    }
    auto result = cx.directory.authenticate(*token);
    if (auto* e = std::get_if<ApiError>(&result)) {
        send_error(res, *e);
        return std::nullopt;
    }
    return std::get<Endpoint>(result);
}

void register_api(HttpContext& cx, httplib::Server& server) {
    using namespace httplib;
    server.Post("/v1/sessions", [&cx](const Request& q, Response& r) { create_session(cx, q, r); });
    server.Post("/v1/sessions/join", [&cx](const Request& q, Response& r) { join_session(cx, q, r); });
    server.Delete("/v1/session", [&cx](const Request& q, Response& r) { end_session(cx, q, r); });
    server.Get("/v1/session", [&cx](const Request& q, Response& r) { session_state(cx, q, r); });
}

}  // namespace relay
