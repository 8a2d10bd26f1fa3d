// How to authenticate to the chosen proxy: the admin's scheme order and
// credentials, filtered per candidate. The tunnel maps AuthScheme to libcurl
// (negotiate -> CURLAUTH_NEGOTIATE, ntlm -> CURLAUTH_NTLM, digest ->
// CURLAUTH_DIGEST, basic -> CURLAUTH_BASIC) and, because CURLAUTH_ANY may not
// fall back from Negotiate to NTLM, retries scheme by scheme in this order.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "proxydetect/candidate.h"
#include "proxydetect/config.h"

namespace proxydetect {

struct Credentials {
    std::string user;  // empty: single sign-on (curl: CURLOPT_PROXYUSERPWD ":")
    std::string password;
    std::string source;  // "proxy.conf proxy_user", "file /etc/...", "environment URL"
};

struct AuthPolicy {
    std::vector<AuthScheme> order;
    bool allow_basic_over_http = false;
    Credentials credentials;  // user empty = single sign-on only

    // The schemes to offer to `c`, in order. Basic is dropped for a plain
    // http:// proxy unless allow_basic_over_http; empty for DIRECT and SOCKS
    // (SOCKS auth, if any, uses credentials only).
    std::vector<AuthScheme> schemes_for(const Candidate& c) const;

    // Credentials to use with `c`: embedded URL credentials (environment)
    // win over proxy.conf ones.
    Credentials credentials_for(const Candidate& c) const;
};

// "negotiate,ntlm,digest": the proxy_auth syntax of tunnel/ and winnet/.
std::string scheme_list(const std::vector<AuthScheme>& schemes);

// Points a transport's settings at `c`: tunnel::EndpointConfig (Linux) and
// winnet::Config (Windows) both have proxy_url, proxy_user, proxy_password
// and proxy_auth. DIRECT clears the proxy and its credentials; a proxy gets
// its credentials and schemes (proxy_auth is kept when none apply).
template <class Settings>
void use_candidate(Settings& s, const Candidate& c, const AuthPolicy& auth) {
    s.proxy_url = c.curl_proxy_url();
    s.proxy_user.clear();
    s.proxy_password.clear();
    if (c.is_direct()) return;
    auto creds = auth.credentials_for(c);
    s.proxy_user = creds.user;
    s.proxy_password = creds.password;
    auto schemes = auth.schemes_for(c);
    if (!schemes.empty()) s.proxy_auth = scheme_list(schemes);
}

// Parses a credentials file: the first non-comment line, "user:password".
// Throws ConfigError naming `path` when the content is not of that form.
Credentials parse_credentials_file(const std::string& text, const std::string& path);

}  // namespace proxydetect
