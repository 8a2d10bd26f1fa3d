// ip::pton on Windows (see src/ip.h): Winsock's inet_pton.
#include <winsock2.h>
#include <ws2tcpip.h>

#include "ip.h"

namespace proxydetect::ip {

bool pton(int family, const char* text, void* out) {
    return inet_pton(family == 4 ? AF_INET : AF_INET6, text, out) == 1;
}

}  // namespace proxydetect::ip
