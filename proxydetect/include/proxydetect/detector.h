// The entry point: which ways out exist for a URL, in order, why, and how to
// authenticate. Typical use in tunnel/:
//
//   auto det = proxydetect::Detector::from_system(
//       proxydetect::load_config_file("/etc/tether/proxy.conf"), {});
//   proxydetect::Decision d = det->resolve("https://relay.example.com/");
//   for (const auto& c : d.candidates) {
//       // CURLOPT_PROXY = c.curl_proxy_url(); auth = d.auth.schemes_for(c)
//       if (connected) break;
//       det->mark_failed(c);   // skipped for failure_retry next time
//   }
//   if (d.blocked()) report(d.failure);
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "proxydetect/auth.h"
#include "proxydetect/candidate.h"
#include "proxydetect/config.h"
#include "proxydetect/pac.h"
#include "proxydetect/system_proxy.h"
#include "proxydetect/world.h"

namespace proxydetect {

// One source consulted, and what it said.
struct TraceStep {
    std::string source;   // "proxy.conf", "environment", "GNOME (GSettings)", "WPAD", ...
    std::string verdict;  // "used", "not configured", "skipped", "error", "bypass", "note"
    std::string detail;   // free text for humans
};

struct PacTrace {
    std::string origin;  // "WPAD http://wpad.corp/wpad.dat", "proxy.conf pac_file /etc/..."
    std::string url;     // URL argument given to FindProxyForURL
    std::string host;
    PacOutcome outcome;
};

struct Decision {
    std::string url;
    // In order of preference; candidates that failed recently are moved to
    // the end (not removed: if all failed, trying again beats giving up).
    // Empty only when detection failed and proxy.conf says fail-closed.
    std::vector<Candidate> candidates;
    std::vector<TraceStep> trace;
    std::optional<PacTrace> pac;  // when a PAC script was evaluated
    AuthPolicy auth;
    Transport transport = Transport::automatic;
    bool allow_plain_http = false;
    std::string relay_key;        // proxy.conf relay_key ("" if unset)
    std::string plain_relay_url;  // proxy.conf plain_relay_url ("" if unset)
    std::string failure;  // why detection failed ("" if it did not)

    bool blocked() const { return candidates.empty(); }
};

// Owns the world. Unique pointers: the Detector is their only user.
// `desktop` and `pac` may be null (no desktop source / no PAC support: a
// PAC configuration is then a detection failure).
struct World {
    std::unique_ptr<Environment> env;
    std::unique_ptr<FileSystem> files;
    std::unique_ptr<Resolver> dns;
    std::unique_ptr<HttpFetcher> http;
    std::unique_ptr<CommandRunner> commands;
    std::unique_ptr<NetworkInfo> net;
    std::unique_ptr<Clock> clock;
    std::unique_ptr<SystemProxySource> desktop;
    std::unique_ptr<PacEvaluator> pac;
};

// Which sources come first (docs/PROXYDETECT.md "Order of sources").
enum class SourceOrder {
    // Linux: proxy.conf, environment, desktop settings, WPAD.
    config_first,
    // Windows: the user's Internet Options (script, automatic detection =
    // WPAD, fixed proxy), then proxy.conf and the environment, as Windows
    // users and their Group Policies expect. proxy.conf no_proxy still
    // comes first (DIRECT for every source), and so does a --proxy given
    // on the command line (Config::proxy_pinned).
    system_first,
};

struct DetectorOptions {
    SourceOrder order = SourceOrder::config_first;
    // Port of WPAD fetches (http://wpad.<domain>:<port>/wpad.dat); 80 in
    // real networks, the test server's ephemeral port in tests.
    uint16_t wpad_port = 80;
    // PAC download budget: a slow PAC server must not stall connecting.
    std::chrono::milliseconds fetch_timeout{5000};
    // How long a failed candidate is moved to the end of the list
    // (Chromium's bad-proxy retry time: 5 minutes).
    std::chrono::seconds failure_retry{300};
    // How long a downloaded PAC script is reused before it is fetched again.
    std::chrono::seconds pac_cache{300};
    // Pins the PAC time functions (tests); nullopt = real time.
    std::optional<int64_t> pac_now_epoch;
    // Chromium's implicit bypass: loopback and link-local hosts (localhost,
    // *.localhost, 127.0.0.0/8, [::1], 169.254.0.0/16, [fe80::]/10) go
    // DIRECT whatever proxy a source names (environment, desktop or
    // Internet Options, proxy.conf, PAC, WPAD), unless the bypass list that
    // applies, or proxy.conf's no_proxy, holds <-loopback>. A --proxy from
    // the command line (Config::proxy_pinned) is used as given. On both
    // platforms (Windows bypasses loopback by itself too); false only in
    // tests of the sources themselves.
    bool implicit_bypass = true;
};

// What from_system() needs besides the config.
struct SystemOptions {
    std::string pac_helper;  // tether-pac-eval path; "" = locate_pac_helper()
    PacLimits pac_limits;
    // Like curl --resolve: these names resolve to these addresses without
    // asking DNS (others go to the system resolver).
    std::map<std::string, std::vector<std::string>> resolve_overrides;
    // Replaces resolv.conf's search domains when not empty.
    std::vector<std::string> search_domains;
    DetectorOptions detector;
};

class Detector {
public:
    Detector(Config config, World world, DetectorOptions options = {});

    // The real world: environment, files, DNS, HTTP, gsettings, routes,
    // helper-process PAC evaluator.
    static std::unique_ptr<Detector> from_system(Config config, SystemOptions options = {});

    // Thread-safe; may block for PAC download and evaluation (bounded by
    // DetectorOptions::fetch_timeout and PacLimits::wall). Throws UrlError
    // for a URL it cannot parse; every other problem is in the Decision.
    Decision resolve(const std::string& url);

    // `c` failed to connect: move it to the end for failure_retry.
    void mark_failed(const Candidate& c);
    // `c` worked: forget any failure.
    void mark_succeeded(const Candidate& c);

    // The network changed (new interface, VPN up/down): forget downloaded
    // PAC scripts and failed candidates, so the next resolve starts afresh.
    // resolve() also does this by itself when the local addresses or DNS
    // search domains differ from the previous resolve's.
    void network_changed();

    const Config& config() const { return config_; }

private:
    struct Run;  // one resolve() in progress (detector.cpp)
    bool try_config_bypass(Run& run);
    bool try_config_pinned(Run& run);
    bool try_proxy_conf(Run& run);
    bool try_environment(Run& run);
    bool try_desktop(Run& run);
    // Chromium's implicit bypass, when `source` is about to use a proxy:
    // DIRECT for a loopback or link-local host unless proxy.conf's no_proxy
    // holds <-loopback> (the caller checks its own list). `own_list` names
    // that list for the hint ("the no_proxy variable"; "" = none).
    bool try_implicit_bypass(Run& run, const std::string& source, const std::string& own_list);
    bool try_wpad(Run& run);
    bool run_pac_from(Run& run, const std::string& origin, const std::string& location);
    // `label` names the source in the trace ("PAC", "WPAD").
    std::optional<std::string> fetch_script(Run& run, const std::string& location, const std::string& label);
    // `why` goes into Decision::failure; `trace_why` (default: why) into the
    // trace, shorter when the PAC trace already shows the error.
    void detection_failed(Run& run, const std::string& why, const std::string& trace_why = "");
    void order_by_failures(Run& run);
    void notice_network_change(Run& run);  // with mu_ held
    void forget_network_state();           // with mu_ held
    AuthPolicy auth_policy(Run& run);

    std::mutex mu_;  // serialises resolve() and the failure table
    Config config_;
    World world_;
    DetectorOptions options_;
    // pac_string() -> until when it counts as failed.
    std::map<std::string, std::chrono::steady_clock::time_point> failed_until_;
    struct CachedScript {
        std::string text;
        std::chrono::steady_clock::time_point fetched;
    };
    std::map<std::string, CachedScript> script_cache_;  // by location
    std::string network_fingerprint_;  // local addresses and search domains at the last resolve
};

}  // namespace proxydetect
