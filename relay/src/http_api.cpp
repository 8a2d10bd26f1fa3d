// Session API (docs/PROTOCOL.md section 1): thin adapters from HTTP/JSON to
// SessionDirectory, RateLimiter (creations) and JoinGuard (joins).
#include <nlohmann/json.hpp>

#include "cluster_directory.h"
#include "cluster_routing.h"
#include "e2e/request_auth.h"
#include "http_context.h"
#include "wire/session_code.h"

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
    if (!wire::valid_session_code(code)) return std::nullopt;
    return code;
}

void refuse_rate_limited(Metrics& metrics, Exchange& ex, std::chrono::seconds retry_after) {
    ++metrics.rate_limited;
    Response res = error_response(ApiError::rate_limited);
    res.set(http::field::retry_after, std::to_string(retry_after.count()));
    ex.respond(std::move(res));
}

// 429 with Retry-After unless `limiter` admits one more attempt from this address.
bool admitted(RateLimiter& limiter, Metrics& metrics, Exchange& ex) {
    const Admission admission = limiter.admit(ex.request().remote_addr);
    if (admission.allowed) return true;
    refuse_rate_limited(metrics, ex, admission.retry_after);
    return false;
}

Refusal refusal_for(GuardRefusal r) {
    switch (r) {
    case GuardRefusal::address: return Refusal::join_address;
    case GuardRefusal::prefix: return Refusal::join_prefix;
    case GuardRefusal::short_code: return Refusal::join_short_code;
    default: return Refusal::join_guard_full;
    }
}

// 429 with Retry-After unless the join guard lets this attempt's code be
// tried. Decided before the code is looked at: a refusal tells nothing.
bool guard_admits(HttpContext& cx, Exchange& ex, const std::string& code) {
    const std::string& who = ex.request().remote_addr;
    const GuardAdmission a = cx.guard.admit(who, code.size() == wire::kShortCodeDigits);
    if (a.allowed()) return true;
    cx.refusals.note(refusal_for(a.refused), who);
    cx.metrics.join_failed(ApiError::rate_limited);
    refuse_rate_limited(cx.metrics, ex, a.retry_after);
    return false;
}

// A wrong code: charged to its source; the first failure over the alarm
// rate raises the guard (logged once per raising).
void charge_failure(HttpContext& cx, const std::string& who) {
    if (!cx.guard.failed(who)) return;
    ++cx.metrics.join_guard_raised;
    cx.log.warn("join guard", "raised: more than " + std::to_string(static_cast<long>(cx.config.join_alarm)) +
                                  " failed joins a minute; new codes get " + std::to_string(cx.config.long_code_digits) +
                                  " digits for at least " + std::to_string(cx.config.code_ttl.count()) + " s");
}

void refuse_join(HttpContext& cx, Exchange& ex, ApiError e) {
    cx.metrics.join_failed(e);
    // While the guard is up failures run high: its counters and warn lines
    // tell the story, one line per failure would flood the log.
    const LogLevel level = cx.guard.raised() ? LogLevel::debug : LogLevel::info;
    cx.log.write(level, "join from " + ex.request().remote_addr, std::string("refused: ") + describe(e).id);
    ex.respond(error_response(e));
}

// The request key of a side that created or joined with `"key": "<64 hex>"`
// (its X25519 public key, e2e/request_auth.h): nullptr without one. nullopt
// for a malformed key, or a missing one over plain HTTP, after answering.
std::optional<std::shared_ptr<SideKey>> side_key(HttpContext& cx, Exchange& ex) {
    auto j = parse_object(ex.request().body);
    if (!j || !j->contains("key")) {
        if (!ex.request().plain) return std::shared_ptr<SideKey>();
        ex.respond(error_response(ApiError::key_required));
        return std::nullopt;
    }
    const json& k = (*j)["key"];
    auto endpoint_public = k.is_string() ? e2e::key_from_hex(k.get<std::string>()) : std::nullopt;
    if (!endpoint_public) {
        ex.respond(error_response(ApiError::bad_request));
        return std::nullopt;
    }
    try {
        return std::make_shared<SideKey>(
            e2e::relay_request_key(cx.relay_key.secret, cx.relay_key.public_key, *endpoint_public));
    } catch (const e2e::CryptoError&) {  // a low-order point: no shared secret
        ex.respond(error_response(ApiError::bad_request));
        return std::nullopt;
    }
}

// Answers of create and join are signed with the new key, bound to sequence
// number 0: the endpoint learns that the relay got its key, not a proxy's.
void sign_creation(Exchange& ex, const std::shared_ptr<SideKey>& key) {
    if (key) ex.sign_responses(key, 0);
}

// A cluster: a token unknown here is looked up in Redis (cluster_routing.h).
// false once the request was forwarded to the session's home or answered;
// else `result` is what to go on with.
bool local_or_cluster(HttpContext& cx, Exchange& ex, const std::string& token, Result<Endpoint>& result) {
    if (!cx.cluster) return true;
    auto* e = std::get_if<ApiError>(&result);
    if (!e || *e != ApiError::bad_token) return true;
    auto found = find_token_in_cluster(cx, ex, token);
    if (!found) return false;
    result = std::move(*found);
    return true;
}

// A cluster: the new session goes to Redis before its code is handed out
// (a code must be unique in the cluster: one taken elsewhere is redrawn).
// nullopt after answering 503 (Redis unreachable) or busy.
std::optional<Created> create_in_cluster(HttpContext& cx, Exchange& ex, const std::string& name, std::size_t digits,
                                         const std::shared_ptr<SideKey>& key) {
    for (int draw = 0; draw < 5; ++draw) {
        auto result = cx.directory.create(name, digits, key);
        if (auto* e = std::get_if<ApiError>(&result)) {
            ex.respond(error_response(*e));
            return std::nullopt;
        }
        Created& c = std::get<Created>(result);
        SessionRecord r;
        r.id = r.desk_key = ClusterDirectory::token_key(c.token);
        r.name = name;
        r.code_key = cx.cluster->code_key(c.code);
        r.desk_pub = side_public_hex(ex.request().body);
        const auto published = cx.cluster->publish(r);
        if (published == ClusterDirectory::Publish::ok) return std::move(c);
        cx.directory.forget(*c.session);
        if (published == ClusterDirectory::Publish::unavailable) {
            ex.respond(error_response(ApiError::directory_unavailable));
            return std::nullopt;
        }
    }
    ex.respond(error_response(ApiError::busy));  // five codes in a row taken elsewhere: the space is full
    return std::nullopt;
}

void answer_join(HttpContext& cx, Exchange& ex, const std::shared_ptr<SideKey>& key, const std::string& token,
                 const std::string& name) {
    cx.guard.succeeded(ex.request().remote_addr);
    ++cx.metrics.joins;
    ex.authenticated();
    sign_creation(ex, key);
    ex.respond(json_response(200, json{{"token", token}, {"name", name}}.dump()));
}

// A cluster: the node that receives a join answers it (cluster_routing.h),
// once Redis holds its token; 503 if Redis cannot take it in time.
void join_here_in_cluster(HttpContext& cx, Exchange& ex, const std::string& code, const std::shared_ptr<SideKey>& key) {
    auto result = join_in_cluster(cx, code, key, side_public_hex(ex.request().body));
    if (auto* e = std::get_if<ApiError>(&result)) {
        if (*e == ApiError::directory_unavailable) return ex.respond(error_response(*e));  // not a guess
        charge_failure(cx, ex.request().remote_addr);
        return refuse_join(cx, ex, *e);
    }
    const ClusterJoin& j = std::get<ClusterJoin>(result);
    answer_join(cx, ex, key, j.token, j.name);
}

// The endpoint of a request with X-Tether-Auth, checked: its side has a
// key, the MAC is right and its sequence number fresh; nullopt after
// answering. Every check runs before the request has any effect.
std::optional<Endpoint> authenticate_mac(HttpContext& cx, Exchange& ex, const std::string& header) {
    const HttpRequest& req = ex.request();
    auto auth = e2e::parse_request_auth(header);
    if (!auth) {
        ex.respond(error_response(ApiError::bad_mac));
        return std::nullopt;
    }
    auto result = cx.directory.authenticate(auth->token);
    if (!local_or_cluster(cx, ex, auth->token, result)) return std::nullopt;
    if (auto* e = std::get_if<ApiError>(&result)) {
        ex.respond(error_response(*e));
        return std::nullopt;
    }
    Endpoint ep = std::get<Endpoint>(result);
    const std::string method(http::to_string(req.method));
    if (!ep.key || !e2e::mac_equal(auth->mac, e2e::request_mac(ep.key->key(), method, req.target, auth->token,
                                                               auth->seq, req.body))) {
        cx.log.debug("request from " + req.remote_addr,
                     "refused: bad MAC for " + method + " " + req.target + " (" + std::to_string(req.body.size()) + " body bytes)");
        ex.respond(error_response(ApiError::bad_mac));
        return std::nullopt;
    }
    // Checked after the MAC, so that a forged number cannot burn a real one.
    if (!ep.key->accept(auth->seq)) {
        cx.log.info(session_prefix(ep.session->short_id()), "refused a replayed request (" + method + " " + req.path + ")");
        ex.respond(error_response(ApiError::replayed));
        return std::nullopt;
    }
    // A streamed body is not covered by the MAC (read after this check):
    // keyed sides use poll mode only.
    if (req.path.rfind("/v1/stream/", 0) == 0) {
        ex.respond(error_response(ApiError::bad_mac));
        return std::nullopt;
    }
    ex.sign_responses(ep.key, auth->seq);
    ex.authenticated();
    return ep;
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
    auto key = side_key(cx, ex);
    if (!key) return;
    const std::size_t digits = cx.guard.code_digits();
    std::optional<Created> created;
    if (cx.cluster) {
        created = create_in_cluster(cx, ex, *name, digits, *key);
        if (!created) return;
    } else {
        auto result = cx.directory.create(*name, digits, *key);
        if (auto* e = std::get_if<ApiError>(&result)) return ex.respond(error_response(*e));
        created = std::move(std::get<Created>(result));
    }
    const Created& c = *created;
    ++cx.metrics.sessions_created;
    ++cx.metrics.codes_created[digits == wire::kShortCodeDigits ? 0 : 1];
    ex.authenticated();
    sign_creation(ex, *key);
    ex.respond(json_response(
        201, json{{"code", c.code}, {"token", c.token}, {"expires_in", cx.config.code_ttl.count()}}.dump()));
}

void join_session(HttpContext& cx, Exchange ex) {
    auto code = parse_code(ex.request().body);
    if (!code) return refuse_join(cx, ex, ApiError::bad_request);  // no guess: not charged
    auto key = side_key(cx, ex);  // before the guard: a malformed request is not a guess
    if (!key) return;
    if (!guard_admits(cx, ex, *code)) return;
    if (cx.cluster) return join_here_in_cluster(cx, ex, *code, *key);
    auto result = cx.directory.join(*code, *key);
    if (auto* e = std::get_if<ApiError>(&result)) {
        charge_failure(cx, ex.request().remote_addr);
        return refuse_join(cx, ex, *e);
    }
    const Joined& j = std::get<Joined>(result);
    answer_join(cx, ex, *key, j.token, j.session->name());
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
    const std::string mac_header = ex.request().header("X-Tether-Auth");
    if (!mac_header.empty()) return authenticate_mac(cx, ex, mac_header);
    auto token = bearer_token(ex.request());
    if (!token) {
        ex.respond(error_response(ApiError::bad_token));
        return std::nullopt;
    }
    auto result = cx.directory.authenticate(*token);
    if (!local_or_cluster(cx, ex, *token, result)) return std::nullopt;
    if (auto* e = std::get_if<ApiError>(&result)) {
        ex.respond(error_response(*e));
        return std::nullopt;
    }
    // A token seen in the clear (plain HTTP) or belonging to a keyed side
    // authorises nothing on its own.
    if (ex.request().plain || std::get<Endpoint>(result).key) {
        ex.respond(error_response(ApiError::key_required));
        return std::nullopt;
    }
    ex.authenticated();
    return std::get<Endpoint>(result);
}

}  // namespace relay
