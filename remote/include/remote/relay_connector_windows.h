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
    // A plain-HTTP route (winnet::plain_fallback): tried only after every
    // other route failed and one of them because a proxy refused CONNECT.
    bool plain_fallback = false;
};

// One planning: the ways to try, in order, and the transport policy for
// them (proxy.conf's `transport` pin, or --transport), as Linux's
// tunnel::RoutePlan carries both.
struct WinPlan {
    std::vector<WinRoute> routes;
    session::TransportPolicy policy;
};

// Asked again on every connect. The program's route setup
// (client/routes_windows.cpp) decides what the plan is.
using WinRoutes = std::function<WinPlan()>;

class WinnetClientConnector : public ClientConnector {
public:
    explicit WinnetClientConnector(WinRoutes routes) : routes_(std::move(routes)) {}
    std::unique_ptr<SessionLink> connect(const std::string& code, const StatusFn& status) override;
    void cancel() override;

private:
    WinRoutes routes_;
    PendingSession pending_;
};

}  // namespace remote
