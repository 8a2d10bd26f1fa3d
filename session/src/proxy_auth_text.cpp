// The sentences of session/proxy_auth_text.h.
#include "session/proxy_auth_text.h"

namespace session {

std::string proxy_auth_refused_text(const ProxyAuthRefusal& r) {
    const std::string proxy = "the proxy " + r.proxy, status = " (407)";
    // Nothing configured: that comes first, whatever the proxy offers.
    if (r.user.empty() && !r.credentials_sent)
        return proxy + " requires authentication" + status + ": set proxy_user/proxy_password";
    if (r.only_basic_offered && !r.basic_allowed)
        return proxy + " offers only Basic authentication" + status + ", which sends the password in "
               "clear and is not allowed here (" + r.allowed + "): if that is acceptable for this "
               "proxy, allow basic (--proxy-auth basic, or in proxy.conf auth = ...,basic and "
               "allow_basic_over_http = yes)";
    if (r.credentials_sent && r.user.empty())  // single sign-on (SSPI): nothing configured to check
        return proxy + " rejected the credentials of the logged-on user" + status +
               ": set proxy_user/proxy_password for this proxy";
    if (r.credentials_sent)
        return proxy + " rejected the credentials of '" + r.user + "'" + status + ": check proxy_user/proxy_password";
    return proxy + " offers no authentication scheme allowed here" + " (407; allowed: " + r.allowed +
           "): ask the proxy admin which schemes it takes, and set proxy_auth (--proxy-auth) to include one";
}

}  // namespace session
