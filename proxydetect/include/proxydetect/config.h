// proxy.conf: the admin's word. One parser for everything the detector and
// the tunnel need from it. Format: INI-like `key = value` lines, `#`
// comments, blank lines ignored; unknown keys and bad values are errors
// with a line number. conf/proxy.conf is the commented example and
// docs/PROXYDETECT.md the reference.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "proxydetect/candidate.h"
#include "proxydetect/no_proxy.h"

namespace proxydetect {

// Proxy authentication schemes, in the admin's order of preference.
enum class AuthScheme { negotiate, ntlm, digest, basic };
const char* to_string(AuthScheme scheme);

// How the tunnel carries bytes (docs/ARCHITECTURE.md "One wire, many
// carriers"): auto = probe, stream / poll = pinned by the admin.
enum class Transport { automatic, stream, poll };
const char* to_string(Transport transport);

// What to do when a configured source (PAC file, PAC URL, WPAD script)
// cannot be evaluated: try DIRECT (fail-open) or give no candidate at all
// (fail-closed, for networks where DIRECT must never be attempted).
enum class FailureMode { direct, fail };
const char* to_string(FailureMode mode);

struct Config {
    std::string origin = "(built-in defaults)";  // file the values came from

    // `proxy = http://host:port`: overrides all detection when set.
    std::optional<Candidate> proxy;

    // Credentials for the proxy. Either user+password inline or a file
    // holding one line "user:password" (read at resolve time so it can be
    // rotated). Empty user means: single sign-on (Negotiate/NTLM with the
    // logged-in identity; curl wants ":" for that).
    std::string proxy_user;
    std::string proxy_password;
    std::string proxy_credentials_file;

    std::vector<AuthScheme> auth{AuthScheme::negotiate, AuthScheme::ntlm,
                                 AuthScheme::digest, AuthScheme::basic};
    // Basic sends the password in clear to a plain-http proxy: off unless
    // the admin says so. (Basic to an HTTPS proxy is always allowed.)
    bool allow_basic_over_http = false;

    Transport transport = Transport::automatic;
    // A relay URL starting with http:// is refused unless this is true; with
    // it, an https:// relay is also tried over plain HTTP (poll mode, each
    // request MACed) through a proxy that refuses CONNECT (docs/SECURITY.md).
    bool allow_plain_http = false;
    // The relay's public request key (64 hex digits, tether-relay prints
    // it): plain HTTP is used only with it, so that a proxy that sees the
    // requests cannot learn the session's request keys.
    std::string relay_key;
    // Where the relay serves plain HTTP; empty: the relay URL's host, port 80.
    std::string plain_relay_url;

    FailureMode on_detection_failure = FailureMode::direct;

    std::string pac_url;   // explicit PAC script URL (http, https or file://)
    std::string pac_file;  // explicit PAC script path
    bool wpad = true;      // WPAD DNS discovery when nothing else is set
    // WPAD never devolves past this domain (e.g. "corp.example.com"); when
    // empty, only wpad.<search domain> itself is tried, never a parent.
    std::string wpad_domain_limit;
    // Wall-clock budget of one PAC run, its DNS lookups included
    // (PacLimits::wall); nullopt = the program's default (5 s).
    std::optional<std::chrono::milliseconds> pac_timeout;

    // `proxy` came from the command line (--proxy, or its tether.conf key or
    // TETHER_PROXY), not the file: it wins over the system settings in the
    // Windows order too (SourceOrder), and is used for loopback hosts too
    // (no implicit bypass: the person named it for this run).
    bool proxy_pinned = false;

    std::string no_proxy_text;  // as written, for explain
    NoProxyList no_proxy;       // applies to every source, PAC included
};

// Parses proxy.conf text. `origin` names the file in error messages.
// Throws ConfigError("<origin>:<line>: ...") on the first problem.
Config parse_config(const std::string& text, const std::string& origin);

// Reads and parses a file. Throws ConfigError when it cannot be read.
Config load_config_file(const std::string& path);

// Refuses a proxy_credentials_file that other users can read (it holds a
// password; conf/proxy.conf asks for mode 0600), or that does not exist:
// throws ConfigError "ORIGIN: proxy_credentials_file FILE can be read by
// other users (mode 0644); it holds a password: run chmod 600 FILE". Every
// program that loads proxy.conf calls it, not only check-config. No-op on
// Windows.
void check_credentials_file_mode(const Config& config);

// Enforces allow_plain_http for the relay URL: throws UrlError, saying
// what to change, when `relay_url` is http:// and plain HTTP is not
// allowed, or when it is neither http:// nor https://.
void check_relay_url(const Config& config, const std::string& relay_url);

// The keys parse_config accepts, in documentation order.
const std::vector<std::string>& config_keys();

}  // namespace proxydetect
