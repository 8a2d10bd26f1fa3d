// ascii_host on Windows (see url.h): WinHTTP, which runs the PAC here,
// converts international names itself.
#include "proxydetect/url.h"

namespace proxydetect {

std::optional<std::string> ascii_host(const std::string& host) { return host; }

}  // namespace proxydetect
