// Route parsing and the failure sentences (see route.h).
#include "route.h"

#include <nlohmann/json.hpp>

#include "session/join_error.h"
#include "session/plain_http_text.h"
#include "session/proxy_auth_text.h"

namespace winnet {

std::string user_agent() { return http1::user_agent("Windows"); }

Route route_of(const Config& cfg) {
    Route r;
    try {
        r.relay = http1::parse_url(cfg.relay_url);
        if (!cfg.proxy_url.empty()) {
            r.proxy = http1::parse_url(cfg.proxy_url.find("://") == std::string::npos ? "http://" + cfg.proxy_url
                                                                                       : cfg.proxy_url);
            if (cfg.proxy_url.find(':', cfg.proxy_url.find("://") + 3) == std::string::npos) r.proxy->port = 1080;
        }
    } catch (const std::invalid_argument& e) {
        throw session::CarrierError(e.what(), true);
    }
    if (r.plain() && !cfg.allow_plain_http)
        throw session::CarrierError(session::plain_http_not_allowed_text(cfg.relay_url), true);
    return r;
}

session::CarrierError connect_refused(int code, const Config& cfg, const Route& route, const AuthSeen& seen) {
    std::string status = " (" + std::to_string(code) + ")";
    if (code == 407) {
        std::string list = "," + cfg.proxy_auth + ",";
        session::ProxyAuthRefusal r;
        r.proxy = route.proxy_name();
        r.user = cfg.proxy_user;
        r.credentials_sent = seen.credentials_sent;
        r.only_basic_offered = seen.only_basic_offered;
        r.basic_allowed = list.find(",basic,") != std::string::npos || list.find(",any,") != std::string::npos;
        r.allowed = cfg.proxy_auth.empty() ? "anysafe" : cfg.proxy_auth;
        return {session::proxy_auth_refused_text(r), true};
    }
    if (code == 403 || code == 405 || code == 501) {
        // The one refusal after which an allowed plain-HTTP route is tried
        // (session::CarrierError::connect_refused, as on Linux).
        session::CarrierError e("the proxy refused CONNECT to " + route.relay_name() + status +
                                    ": ask the proxy admin to allow CONNECT to this host and port",
                                true);
        e.connect_refused = true;
        return e;
    }
    return {"the proxy " + route.proxy_name() + " could not open a tunnel to " + route.relay_name() + status +
                ": check that the proxy can resolve and reach the relay", false};
}

session::CarrierError untrusted(const Route& route, const std::string& reason) {
    return {"the relay " + route.relay_name() + " presented a certificate that cannot be verified (" + reason +
                "): if the relay uses a private CA, pass its certificate with --ca FILE; if a "
                "TLS-inspecting proxy is in the way, pass the proxy's CA",
            true};
}

session::CarrierError unreachable(const Route& route, bool proxy, const std::string& detail) {
    std::string who = proxy ? "the proxy " + route.proxy_name() : "the relay " + route.relay_name();
    return {"cannot reach " + who + " (" + detail + ")", false};
}

session::CarrierError relay_status(int status, const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    std::string message = j.is_object() ? j.value("message", std::string()) : std::string();
    std::string id = j.is_object() ? j.value("error", std::string()) : std::string();
    std::string detail = message.empty() ? "" : ": " + message;
    if (status == 401)  // a keyed request over plain HTTP refused (replayed, bad_mac, key_required)
        if (std::string text = session::keyed_refusal_text(id, detail); !text.empty()) {
            session::CarrierError e(text, id != "replayed");
            e.http_status = status;
            return e;
        }
    session::CarrierError e("the relay answered " + std::to_string(status) + detail, status == 403);
    if (status == 401 || status == 410) e = session::CarrierError(session::session_gone_text(status), true);
    if (status == 413)
        e = session::CarrierError("a request was refused as too long (413" + detail +
                                  "): the relay or something on the path limits request bodies");
    e.http_status = status;
    return e;
}

std::string relay_host_header(const Route& route) {
    bool default_port = route.relay.port == (route.plain() ? 80 : 443);
    return default_port ? route.relay.host : route.relay.host_port();
}

}  // namespace winnet
