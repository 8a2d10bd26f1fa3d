// The platform-neutral parts of pac.h (the evaluators live in
// pac_helper.cpp on POSIX and platform/windows/pac_winhttp.cpp on Windows).
#include "proxydetect/pac.h"

#include "proxydetect/url.h"

namespace proxydetect {

const char* to_string(PacEvent::Kind k) {
    switch (k) {
    case PacEvent::Kind::alert: return "alert";
    case PacEvent::Kind::dns: return "dns";
    case PacEvent::Kind::error: return "error";
    case PacEvent::Kind::note: return "note";
    }
    return "?";
}

std::string pac_visible_url(const std::string& text) {
    Url u = parse_url(text);
    if (u.scheme == "https" || u.scheme == "wss") return u.scheme + "://" + u.authority() + "/";
    return text;
}

}  // namespace proxydetect
