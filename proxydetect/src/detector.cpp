#include "proxydetect/detector.h"

#include <algorithm>

#include "proxydetect/env_proxy.h"
#include "proxydetect/errors.h"
#include "proxydetect/url.h"
#include "proxydetect/wpad.h"

namespace proxydetect {

// State of one resolve() call.
struct Detector::Run {
    Url url;
    Decision d;
    bool done = false;  // a source decided (or detection failed)
    bool detection_asked = false;  // the desktop settings asked for WPAD
    bool desktop_said_none = false;  // the desktop settings say "no proxy": no WPAD

    void step(std::string source, std::string verdict, std::string detail) {
        d.trace.push_back({std::move(source), std::move(verdict), std::move(detail)});
    }
    void decide(std::vector<Candidate> c) {
        d.candidates = std::move(c);
        done = true;
    }
};

namespace {

Candidate direct(const std::string& source) {
    Candidate c;
    c.source = source;
    return c;
}

std::string list_text(const std::vector<Candidate>& cs) {
    std::string s;
    for (const auto& c : cs) s += (s.empty() ? "" : "; ") + c.pac_string();
    return s;
}

// The manual desktop proxy for a URL scheme, like Chromium's per-scheme rules.
std::optional<Candidate> manual_for(const SystemProxySettings& s, const Url& url) {
    bool secure = url.scheme == "https" || url.scheme == "wss";
    if (secure && s.https) return s.https;
    if (!secure && s.http) return s.http;
    if (s.socks) return s.socks;
    return secure ? s.http : std::nullopt;  // GNOME/KDE users often set only "HTTP"
}

}  // namespace

Detector::Detector(Config config, World world, DetectorOptions options)
    : config_(std::move(config)), world_(std::move(world)), options_(options) {}

Decision Detector::resolve(const std::string& url) {
    std::lock_guard<std::mutex> lock(mu_);
    Run run;
    run.url = parse_url(url);
    auto host = ascii_host(run.url.host);
    if (!host) throw UrlError("cannot use URL '" + url + "': the host name is not a valid international domain name");
    run.url.host = *host;
    run.d.url = run.url.str();
    notice_network_change(run);
    run.d.transport = config_.transport;
    run.d.allow_plain_http = config_.allow_plain_http;
    run.d.relay_key = config_.relay_key;
    run.d.plain_relay_url = config_.plain_relay_url;
    run.d.auth = auth_policy(run);
    // The documented order; the first source that decides wins and the
    // later ones are listed as skipped so that explain shows the whole chain.
    using Source = std::pair<const char*, bool (Detector::*)(Run&)>;
    static const std::vector<Source> config_first = {
        {"proxy.conf", &Detector::try_proxy_conf},
        {"environment", &Detector::try_environment},
        {"desktop", &Detector::try_desktop},
        {"WPAD", &Detector::try_wpad},
    };
    static const std::vector<Source> system_first = {
        {"proxy.conf no_proxy, --proxy", &Detector::try_config_pinned},
        {"desktop", &Detector::try_desktop},
        {"WPAD", &Detector::try_wpad},
        {"proxy.conf", &Detector::try_proxy_conf},
        {"environment", &Detector::try_environment},
    };
    for (const auto& [name, fn] : options_.order == SourceOrder::config_first ? config_first : system_first) {
        if (run.done) run.step(name, "skipped", "an earlier source decided");
        else (this->*fn)(run);
    }
    if (!run.done) {
        run.step("default", "used", "no source configures a proxy: DIRECT");
        run.decide({direct("default (nothing configured)")});
    }
    order_by_failures(run);
    return std::move(run.d);
}

bool Detector::try_config_bypass(Run& run) {
    auto rule = config_.no_proxy.match(run.url);
    if (!rule) return false;
    run.step("proxy.conf", "bypass", "no_proxy rule '" + *rule + "' matches " + run.url.host + ": DIRECT");
    run.decide({direct("proxy.conf no_proxy '" + *rule + "'")});
    return true;
}

// What the system settings may not override: no_proxy, and --proxy.
bool Detector::try_config_pinned(Run& run) {
    if (try_config_bypass(run)) return true;
    if (!config_.proxy_pinned || !config_.proxy) return false;
    run.step("proxy.conf", "used", "proxy = " + config_.proxy->curl_proxy_url() + " (" + config_.proxy->source +
                                       ", before the system settings)");
    run.decide({*config_.proxy});
    return true;
}

bool Detector::try_proxy_conf(Run& run) {
    const std::string src = "proxy.conf";
    if (try_config_bypass(run)) return true;
    if (config_.proxy) {
        // A --proxy on the command line is the person's own choice for this
        // run: used as given, loopback included.
        if (!config_.proxy_pinned && try_implicit_bypass(run, src, "")) return true;
        run.step(src, "used", "proxy = " + config_.proxy->curl_proxy_url() + " (" + config_.origin + ")");
        run.decide({*config_.proxy});
        return true;
    }
    if (!config_.pac_file.empty() || !config_.pac_url.empty())
        run.step(src, "used", "PAC script " + (config_.pac_file.empty() ? config_.pac_url : config_.pac_file) +
                                  " (" + config_.origin + ")");
    if (!config_.pac_file.empty())
        return run_pac_from(run, "proxy.conf pac_file " + config_.pac_file, config_.pac_file);
    if (!config_.pac_url.empty())
        return run_pac_from(run, "proxy.conf pac_url " + config_.pac_url, config_.pac_url);
    run.step(src, "not configured", config_.origin + ": no proxy, pac_url or pac_file");
    return false;
}

bool Detector::try_environment(Run& run) {
    const std::string src = "environment";
    if (!world_.env) return false;
    EnvProxy e = proxy_from_environment(*world_.env, run.url);
    for (const auto& n : e.notes) run.step(src, "note", n);
    if (!e.proxy) {
        run.step(src, "not configured", "no " + run.url.scheme + " proxy variable set");
        return false;
    }
    if (e.bypass_rule) {
        run.step(src, "bypass", e.bypass_variable + " rule '" + *e.bypass_rule + "' matches: DIRECT");
        run.decide({direct("environment " + e.bypass_variable + " '" + *e.bypass_rule + "'")});
        return true;
    }
    const std::string list = "the " + (e.bypass_variable.empty() ? std::string("no_proxy") : e.bypass_variable);
    if (!e.subtracts_implicit && try_implicit_bypass(run, src, list + " variable")) return true;
    run.step(src, "used", e.variable + " = " + e.proxy->curl_proxy_url());
    run.decide({*e.proxy});
    return true;
}

bool Detector::try_desktop(Run& run) {
    if (!world_.desktop || !world_.env || !world_.files || !world_.commands) {
        run.step("desktop", "not configured", "no desktop settings source on this platform");
        return false;
    }
    SystemContext ctx{*world_.env, *world_.files, *world_.commands};
    SystemProxySettings s = world_.desktop->read(ctx);
    std::string src = world_.desktop->name();
    using Mode = SystemProxySettings::Mode;
    if (s.mode == Mode::unavailable || s.mode == Mode::none) {
        run.desktop_said_none = s.mode == Mode::none;
        run.step(src, "not configured", s.detail + (run.desktop_said_none ? ": no proxy" : ""));
        return false;
    }
    if (s.mode == Mode::pac_url) return run_pac_from(run, src + " PAC " + s.pac_url, s.pac_url);
    if (s.mode == Mode::wpad) {
        run.detection_asked = true;
        run.step(src, "note", s.detail + ": automatic detection requested");
        return false;  // try_wpad runs next (unless proxy.conf says wpad = off)
    }
    auto ignore_hosts = NoProxyList::parse(s.ignore_hosts);
    auto rule = ignore_hosts.match(run.url);
    if (rule) {
        run.step(src, "bypass", "ignore-hosts rule '" + *rule + "' matches: DIRECT");
        run.decide({direct(src + " ignore-hosts '" + *rule + "'")});
        return true;
    }
    auto proxy = manual_for(s, run.url);
    if (!proxy) {
        run.step(src, "not configured", s.detail + ": manual, but no proxy for " + run.url.scheme);
        return false;
    }
    if (!ignore_hosts.subtracts_implicit() && try_implicit_bypass(run, src, "the bypass list of " + src))
        return true;
    run.step(src, "used", s.detail);
    run.decide({*proxy});
    return true;
}

bool Detector::try_implicit_bypass(Run& run, const std::string& source, const std::string& own_list) {
    if (!options_.implicit_bypass || config_.no_proxy.subtracts_implicit()) return false;
    auto rule = implicit_bypass_rule(run.url);
    if (!rule) return false;
    const std::string conf = config_.origin == Config{}.origin ? "proxy.conf" : config_.origin;
    run.step(source, "bypass", "implicit bypass: " + run.url.host + " is a loopback or link-local host (rule '" +
                                   *rule + "'); add <-loopback> to " + (own_list.empty() ? "" : own_list + " or to ") +
                                   "no_proxy in " + conf + " to send it through the proxy. DIRECT");
    run.decide({direct(source + " implicit bypass '" + *rule + "'")});
    return true;
}

bool Detector::try_wpad(Run& run) {
    if (!config_.wpad) {
        run.step("WPAD", "skipped", "wpad = off in " + config_.origin);
        return false;
    }
    if (!world_.net || !world_.dns) return false;
    if (options_.order == SourceOrder::system_first && !run.detection_asked) {
        run.step("WPAD", "not configured", "automatic detection is off in the system settings");
        return false;
    }
    // Like Chromium: "no proxy" in the desktop settings is a choice; a
    // wpad.* host that anyone on the LAN can answer must not override it.
    if (run.desktop_said_none) {
        run.step("WPAD", "skipped", "the desktop settings say no proxy");
        return false;
    }
    // DHCP first, as Windows and Chromium do: the lease came from this
    // network's DHCP server, and needs no guessing of names.
    for (const auto& url : world_.net->dhcp_wpad_urls()) {
        run.step("WPAD", "note", "DHCP (option 252) offers " + url + ": fetching it");
        if (fetch_script(run, url, "WPAD")) return run_pac_from(run, "WPAD (DHCP) " + url, url);
    }
    WpadHosts w = wpad_hosts(world_.net->search_domains(), config_.wpad_domain_limit);
    for (const auto& note : w.skipped) run.step("WPAD", "note", note);
    for (const auto& host : w.hosts) {
        auto addrs = world_.dns->resolve(host);
        if (addrs.empty()) {
            run.step("WPAD", "note", host + " does not resolve");
            continue;
        }
        std::string url = "http://" + host;
        if (options_.wpad_port != 80) url += ":" + std::to_string(options_.wpad_port);
        url += "/wpad.dat";
        run.step("WPAD", "note", host + " resolves to " + addrs.front() + ": fetching " + url);
        if (fetch_script(run, url, "WPAD")) return run_pac_from(run, "WPAD " + url, url);
    }
    run.step("WPAD", "not configured", w.hosts.empty() ? "no search domain to try" : "no PAC script found");
    return false;
}

std::optional<std::string> Detector::fetch_script(Run& run, const std::string& location,
                                                  const std::string& label) {
    auto now = world_.clock ? world_.clock->now() : std::chrono::steady_clock::now();
    auto cached = script_cache_.find(location);
    if (cached != script_cache_.end() && now - cached->second.fetched < options_.pac_cache)
        return cached->second.text;
    std::string error, text;
    bool is_file = location[0] == '/' || location.rfind("file://", 0) == 0;
    if (is_file) {
        std::string path = location[0] == '/' ? location : location.substr(7);
        auto content = world_.files ? world_.files->read(path, &error) : std::nullopt;
        if (!content) { run.step(label, "error", "cannot read " + path + ": " + error); return std::nullopt; }
        text = *content;
    } else {
        if (!world_.http) return std::nullopt;
        auto r = world_.http->get(location, options_.fetch_timeout, PacLimits{}.max_script_bytes);
        if (!r.ok) { run.step(label, "error", "cannot fetch " + location + ": " + r.error); return std::nullopt; }
        text = r.body;
    }
    script_cache_[location] = {text, now};
    return text;
}

bool Detector::run_pac_from(Run& run, const std::string& origin, const std::string& location) {
    if (location.empty()) { detection_failed(run, origin + ": no PAC URL given"); return true; }
    // Before the script runs: a script from the network (WPAD can be
    // spoofed) never learns of, nor steers, a request to a local service.
    if (try_implicit_bypass(run, "PAC", "")) return true;
    auto script = fetch_script(run, location, "PAC");
    if (!script) { detection_failed(run, origin + ": the PAC script could not be loaded"); return true; }
    if (!world_.pac) { detection_failed(run, origin + ": no PAC evaluator"); return true; }
    PacRequest req;
    req.script = *script;
    req.location = location;
    req.url = pac_visible_url(run.url.str());
    req.host = run.url.host;
    req.my_addresses = world_.net ? world_.net->local_addresses() : std::vector<std::string>{};
    req.now_epoch = options_.pac_now_epoch;
    PacTrace trace{origin, req.url, req.host, world_.pac->evaluate(req, *world_.dns)};
    run.d.pac = trace;
    if (!trace.outcome.ok) {
        // explain prints the PAC trace with its error: the trace line points there.
        detection_failed(run, origin + ": " + trace.outcome.error,
                         origin + ": the PAC script failed (see the PAC evaluation below)");
        return true;
    }
    std::vector<std::string> rejected;
    auto cs = parse_pac_result(trace.outcome.result, "PAC (" + origin + ")", &rejected);
    for (const auto& r : rejected) run.step("PAC", "note", "ignored entry " + r);
    if (cs.empty()) {
        detection_failed(run, origin + ": PAC returned '" + trace.outcome.result + "', no usable entry");
        return true;
    }
    run.step("PAC", "used", origin + " returned '" + trace.outcome.result + "'");
    run.decide(cs);
    return true;
}

void Detector::detection_failed(Run& run, const std::string& why, const std::string& trace_why) {
    run.step("detection", "error", trace_why.empty() ? why : trace_why);
    if (config_.on_detection_failure == FailureMode::direct) {
        run.step("detection", "used", "on_detection_failure = direct: trying DIRECT (fail-open)");
        run.decide({direct("fallback: detection failed, on_detection_failure = direct")});
    } else {
        run.step("detection", "used", "on_detection_failure = fail: no connection attempted (fail-closed)");
        run.d.failure = why + " (on_detection_failure = fail in " + config_.origin +
                        "; fix the PAC source or set on_detection_failure = direct)";
        run.decide({});
    }
}

void Detector::order_by_failures(Run& run) {
    auto now = world_.clock ? world_.clock->now() : std::chrono::steady_clock::now();
    auto& cs = run.d.candidates;
    auto is_bad = [&](const Candidate& c) {
        auto it = failed_until_.find(c.pac_string());
        return it != failed_until_.end() && now < it->second;
    };
    auto good_end = std::stable_partition(cs.begin(), cs.end(), [&](const Candidate& c) { return !is_bad(c); });
    for (auto it = good_end; it != cs.end(); ++it)
        run.step("failover", "note", it->pac_string() + " failed recently: moved to the end");
    run.step("result", "used", cs.empty() ? "no candidate" : list_text(cs));
}

void Detector::mark_failed(const Candidate& c) {
    std::lock_guard<std::mutex> lock(mu_);
    auto now = world_.clock ? world_.clock->now() : std::chrono::steady_clock::now();
    failed_until_[c.pac_string()] = now + options_.failure_retry;
}

void Detector::mark_succeeded(const Candidate& c) {
    std::lock_guard<std::mutex> lock(mu_);
    failed_until_.erase(c.pac_string());
}

void Detector::network_changed() {
    std::lock_guard<std::mutex> lock(mu_);
    forget_network_state();
}

void Detector::forget_network_state() {
    failed_until_.clear();
    script_cache_.clear();
}

// Nobody tells a library that a VPN came up; its addresses and DNS search
// domains change, which is cheap to compare at each resolve (Chromium has a
// NetworkChangeNotifier for the same purpose).
void Detector::notice_network_change(Run& run) {
    if (!world_.net) return;
    std::string now;
    for (const auto& a : world_.net->local_addresses()) now += a + " ";
    now += "|";
    for (const auto& d : world_.net->search_domains()) now += " " + d;
    bool changed = !network_fingerprint_.empty() && now != network_fingerprint_;
    network_fingerprint_ = now;
    if (!changed) return;
    forget_network_state();
    run.step("network", "note", "local addresses or DNS search domains changed: cached PAC scripts and "
                                "failed proxies forgotten");
}

AuthPolicy Detector::auth_policy(Run& run) {
    AuthPolicy a;
    a.order = config_.auth;
    a.allow_basic_over_http = config_.allow_basic_over_http;
    if (!config_.proxy_user.empty()) {
        a.credentials = {config_.proxy_user, config_.proxy_password, "proxy.conf proxy_user"};
    } else if (!config_.proxy_credentials_file.empty()) {
        std::string error;
        auto text = world_.files ? world_.files->read(config_.proxy_credentials_file, &error) : std::nullopt;
        try {
            if (!text) throw ConfigError(config_.proxy_credentials_file, 0, "cannot read: " + error);
            a.credentials = parse_credentials_file(*text, config_.proxy_credentials_file);
        } catch (const ConfigError& e) {
            run.step("credentials", "error", std::string(e.what()) + "; falling back to single sign-on");
        }
    }
    return a;
}

}  // namespace proxydetect
