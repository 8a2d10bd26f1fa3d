// ip::pton on POSIX (see ip.h).
#include <arpa/inet.h>

#include "ip.h"

namespace proxydetect::ip {

bool pton(int family, const char* text, void* out) {
    return inet_pton(family == 4 ? AF_INET : AF_INET6, text, out) == 1;
}

}  // namespace proxydetect::ip
