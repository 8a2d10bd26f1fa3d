// A proxy's final 407 to our CONNECT, in words: one set of sentences for
// the Linux carriers (tunnel/src/http_errors.cpp, libcurl) and the Windows
// ones (winnet/src/route.cpp), so that "rejected the credentials" is said
// only when credentials were sent and refused, and every sentence names
// the proxy (issue 17).
#pragma once

#include <string>

namespace session {

struct ProxyAuthRefusal {
    std::string proxy;         // "10.0.0.1:3128": named in every sentence
    std::string user;          // proxy_user; "" = none configured
    bool credentials_sent = false;  // a Proxy-Authorization was answered with 407
    bool only_basic_offered = false;  // the proxy offers Basic and nothing else
    bool basic_allowed = true;        // our scheme list allows Basic
    std::string allowed;       // our scheme list as configured ("anysafe"), for the message
};

// "the proxy P rejected the credentials of 'alice' (407): check
// proxy_user/proxy_password", "the proxy P requires authentication (407):
// set proxy_user/proxy_password", "the proxy P offers only Basic
// authentication (407), which sends the password in clear and is not
// allowed here (anysafe): ...", or "the proxy P offers no authentication
// scheme allowed here (407; allowed: ...): ...".
std::string proxy_auth_refused_text(const ProxyAuthRefusal& r);

}  // namespace session
