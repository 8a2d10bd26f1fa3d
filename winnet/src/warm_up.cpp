// One-time per-process work ahead of the first connect (see warm_up.h).
#include "winnet/warm_up.h"

#define SECURITY_WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <security.h>
#include <schannel.h>
#include <wincrypt.h>

#include "route.h"
#include "socket.h"

namespace winnet {
namespace {

// The Root store and the default chain engine, as Tls::verify meets them:
// a chain built for the store's first certificate (any will do: what costs
// is the engine and the store, not the chain).
void warm_trust() {
    HCERTSTORE root = CertOpenSystemStoreW(0, L"ROOT");
    if (!root) return;
    if (PCCERT_CONTEXT any = CertEnumCertificatesInStore(root, nullptr)) {
        CERT_CHAIN_PARA para{};
        para.cbSize = sizeof para;
        PCCERT_CHAIN_CONTEXT chain = nullptr;
        if (CertGetCertificateChain(nullptr, any, nullptr, nullptr, &para, 0, nullptr, &chain))
            CertFreeCertificateChain(chain);
        CertFreeCertificateContext(any);
    }
    CertCloseStore(root, 0);
}

// Loads the SChannel package as Tls::handshake's first credential would.
void warm_schannel() {
    SCHANNEL_CRED sc{};
    sc.dwVersion = SCHANNEL_CRED_VERSION;
    sc.dwFlags = SCH_CRED_MANUAL_CRED_VALIDATION | SCH_CRED_NO_DEFAULT_CREDS;
    CredHandle cred{};
    TimeStamp ts;
    if (AcquireCredentialsHandleA(nullptr, const_cast<SEC_CHAR*>(UNISP_NAME_A), SECPKG_CRED_OUTBOUND, nullptr, &sc,
                                  nullptr, nullptr, &cred, &ts) == SEC_E_OK)
        FreeCredentialsHandle(&cred);
}

// The name Socket::connect will resolve first: the proxy's, else the relay's.
void warm_dns(const Config& cfg) {
    winsock_init();
    Route r = route_of(cfg);
    const http1::Url& hop = r.proxy ? *r.proxy : r.relay;
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    if (getaddrinfo(hop.host.c_str(), nullptr, &hints, &list) == 0) freeaddrinfo(list);
}

}  // namespace

void warm_up(const Config& first_route) noexcept {
    try {
        warm_trust();  // the big one under wine: first
        warm_schannel();
        warm_dns(first_route);
    } catch (...) {
        // route_of on a URL the connect will refuse anyway: it says why then.
    }
}

}  // namespace winnet
