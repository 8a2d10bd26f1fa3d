// How tether-client.exe reaches the supporter: a relay session over winnet/
// (our socket, CONNECT and SChannel; the shared transport choice of
// session/transport.h), the end-to-end handshake of secure/, whose short
// authentication string both screens show, then the Mux's channels. The
// Windows twin of relay_connector.h (which stands on tunnel/ and libcurl);
// no Windows type appears here.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "remote/channels.h"
#include "remote/pending_session.h"
#include "session/transport.h"
#include "winnet/config.h"

namespace remote {

// One way to the relay: relay, trust and proxy as winnet::Config, and how
// it reaches the relay for status lines ("the relay R through HTTP proxy P
// (from --proxy)", "the relay R directly").
struct WinRoute {
    winnet::Config cfg;
    std::string why;
};

// The ways to try, in order; asked again on every connect. The program's
// route setup (client/routes_windows.cpp) decides what they are.
using WinRoutes = std::function<std::vector<WinRoute>()>;

class WinnetClientConnector : public ClientConnector {
public:
    WinnetClientConnector(WinRoutes routes, session::TransportPolicy policy)
        : routes_(std::move(routes)), policy_(std::move(policy)) {}
    std::unique_ptr<SessionLink> connect(const std::string& code, const StatusFn& status) override;
    void cancel() override;

private:
    WinRoutes routes_;
    session::TransportPolicy policy_;
    PendingSession pending_;
};

}  // namespace remote
