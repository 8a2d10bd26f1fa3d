#include "proxydetect/auth.h"

#include <sstream>

#include "proxydetect/errors.h"

namespace proxydetect {

std::vector<AuthScheme> AuthPolicy::schemes_for(const Candidate& c) const {
    if (c.kind != ProxyKind::http && c.kind != ProxyKind::https) return {};
    std::vector<AuthScheme> out;
    for (auto s : order) {
        // Basic over a plain connection hands the password to anyone on the path.
        if (s == AuthScheme::basic && c.kind == ProxyKind::http && !allow_basic_over_http) continue;
        out.push_back(s);
    }
    return out;
}

Credentials AuthPolicy::credentials_for(const Candidate& c) const {
    if (!c.username.empty()) return Credentials{c.username, c.password, "proxy URL (" + c.source + ")"};
    return credentials;
}

Credentials parse_credentials_file(const std::string& text, const std::string& path) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        auto colon = line.find(':');
        if (colon == std::string::npos || colon == 0)
            throw ConfigError(path, 0, "expected one line 'user:password'");
        return Credentials{line.substr(0, colon), line.substr(colon + 1), "file " + path};
    }
    throw ConfigError(path, 0, "no 'user:password' line found");
}

std::string scheme_list(const std::vector<AuthScheme>& schemes) {
    std::string list;
    for (auto s : schemes) list += (list.empty() ? "" : ",") + std::string(to_string(s));
    return list;
}

}  // namespace proxydetect
