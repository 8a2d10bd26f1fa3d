#include "proxydetect/explain.h"

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "proxydetect/errors.h"

namespace proxydetect {

namespace {

using nlohmann::json;

std::string schemes_text(const std::vector<AuthScheme>& v) {
    std::string s;
    for (auto a : v) s += (s.empty() ? "" : ", ") + std::string(to_string(a));
    return s.empty() ? "(none)" : s;
}

std::string credentials_text(const Credentials& c) {
    if (c.user.empty()) return "single sign-on (no user configured)";
    return "user '" + c.user + "' from " + c.source + " (password not shown)";
}

void pac_text(std::ostringstream& o, const PacTrace& p) {
    o << "\nPAC evaluation: " << p.origin << "\n"
      << "  FindProxyForURL(\"" << p.url << "\", \"" << p.host << "\")\n";
    for (const auto& e : p.outcome.events) {
        o << "  " << to_string(e.kind) << ": " << e.text;
        if (e.kind == PacEvent::Kind::dns) o << " (" << e.duration.count() / 1000.0 << " ms)";
        o << "\n";
    }
    if (p.outcome.ok) o << "  returned: \"" << p.outcome.result << "\"\n";
    else o << "  failed: " << p.outcome.error << "\n";
    o << "  time: " << p.outcome.elapsed.count() << " ms\n";
}

json candidate_json(const Candidate& c, const AuthPolicy& a) {
    json j{{"kind", to_string(c.kind)}, {"source", c.source}, {"pac", c.pac_string()}};
    if (!c.is_direct()) {
        j["host"] = c.host;
        j["port"] = c.port;
        j["curl_proxy"] = c.curl_proxy_url();
        json schemes = json::array();
        for (auto s : a.schemes_for(c)) schemes.push_back(to_string(s));
        j["auth"] = schemes;
        auto cred = a.credentials_for(c);
        j["user"] = cred.user;
        j["credentials_source"] = cred.source;
    }
    return j;
}

json pac_json(const PacTrace& p) {
    json events = json::array();
    for (const auto& e : p.outcome.events) {
        json ev{{"kind", to_string(e.kind)}, {"text", e.text}};
        if (e.kind == PacEvent::Kind::dns) ev["ms"] = e.duration.count() / 1000.0;
        events.push_back(ev);
    }
    json j{{"origin", p.origin}, {"url", p.url}, {"host", p.host}, {"ok", p.outcome.ok},
           {"events", events}, {"elapsed_ms", p.outcome.elapsed.count()}};
    if (p.outcome.ok) j["result"] = p.outcome.result;
    else j["error"] = p.outcome.error;
    return j;
}

}  // namespace

std::string explain_text(const Decision& d) {
    std::ostringstream o;
    o << "URL: " << d.url << "\n\nSources consulted, in order:\n";
    int n = 1;
    for (const auto& s : d.trace) o << "  " << n++ << ". [" << s.source << "] " << s.verdict << ": " << s.detail << "\n";
    if (d.pac) pac_text(o, *d.pac);
    o << "\nCandidates, in the order they will be tried:\n";
    if (d.candidates.empty()) o << "  none: " << d.failure << "\n";
    n = 1;
    for (const auto& c : d.candidates) {
        o << "  " << n++ << ". " << c.pac_string() << "   (from " << c.source << ")\n";
        if (!c.is_direct())
            o << "     proxy auth: " << schemes_text(d.auth.schemes_for(c)) << "; "
              << credentials_text(d.auth.credentials_for(c)) << "\n";
    }
    o << "\nAuthentication order: " << schemes_text(d.auth.order)
      << (d.auth.allow_basic_over_http ? "" : " (basic only to https:// proxies)") << "\n"
      << "Credentials: " << credentials_text(d.auth.credentials) << "\n"
      << "Transport: " << to_string(d.transport) << "\n";
    return o.str();
}

std::string explain_json(const Decision& d, int indent) {
    json trace = json::array();
    for (const auto& s : d.trace) trace.push_back({{"source", s.source}, {"verdict", s.verdict}, {"detail", s.detail}});
    json cands = json::array();
    for (const auto& c : d.candidates) cands.push_back(candidate_json(c, d.auth));
    json auth_order = json::array();
    for (auto s : d.auth.order) auth_order.push_back(to_string(s));
    json j{{"url", d.url},
           {"trace", trace},
           {"candidates", cands},
           {"auth", {{"order", auth_order},
                     {"allow_basic_over_http", d.auth.allow_basic_over_http},
                     {"user", d.auth.credentials.user},
                     {"credentials_source", d.auth.credentials.source}}},
           {"transport", to_string(d.transport)},
           {"allow_plain_http", d.allow_plain_http},
           {"pac", d.pac ? pac_json(*d.pac) : json(nullptr)}};
    if (!d.failure.empty()) j["failure"] = d.failure;
    return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

namespace {

Config config_for(const ExplainRequest& r) {
    std::string path = r.config_path;
    const char* env = std::getenv("TETHER_PROXY_CONF");
    if (path.empty() && env && *env) path = env;
    if (path.empty() && std::filesystem::exists(std::filesystem::u8path(default_config_path())))
        path = default_config_path();
    return path.empty() ? Config{} : load_config_file(path);
}

}  // namespace

int explain_command(const ExplainRequest& r, std::ostream& out, std::ostream& err) {
    try {
        if (r.url.empty()) throw Error("explain needs a URL, e.g. https://relay.example.com/");
        auto det = Detector::from_system(config_for(r), r.system);
        Decision d = det->resolve(r.url);
        out << (r.json ? explain_json(d) + "\n" : explain_text(d));
        return d.blocked() ? 3 : 0;
    } catch (const Error& e) {
        err << r.program << ": " << e.what() << "\n";
        return 1;
    }
}

}  // namespace proxydetect
