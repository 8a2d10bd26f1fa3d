// The production way desk and client reach each other: a relay session over
// the routes proxydetect proposes (tunnel::prepare_egress: proxy.conf,
// --proxy overrides, environment, PAC/WPAD; failover between routes, stream
// or poll mode chosen automatically), the end-to-end TLS handshake
// (secure::secure_handshake, whose short authentication string both windows
// show), then the Mux carrying the control, rfb and file channels.
#pragma once

#include <memory>
#include <string>

#include "remote/channels.h"
#include "remote/pending_session.h"
#include "tunnel/endpoint.h"
#include "tunnel/endpoint_options.h"

namespace remote {

// Detection runs on the first connect (it may fetch a PAC script: never on
// the GUI thread) and its detector is kept, so routes that failed stay
// skipped for the next sessions; the routes are planned again each time.
class RelayEgress {
public:
    explicit RelayEgress(tunnel::EndpointOptions opts) : opts_(std::move(opts)) {}
    // Detector and a fresh plan. Throws std::runtime_error with a sentence.
    tunnel::Egress& prepare();

private:
    tunnel::EndpointOptions opts_;
    std::unique_ptr<tunnel::Egress> egress_;
};

class RelayClientConnector : public ClientConnector {
public:
    explicit RelayClientConnector(tunnel::EndpointOptions opts) : egress_(std::move(opts)) {}
    std::unique_ptr<SessionLink> connect(const std::string& code, const StatusFn& status) override;
    void cancel() override;

private:
    RelayEgress egress_;  // used by connect() only (one at a time)
    PendingSession pending_;
};

class RelayDeskConnector : public DeskConnector {
public:
    RelayDeskConnector(tunnel::EndpointOptions opts, std::string name)
        : egress_(std::move(opts)), name_(std::move(name)) {}
    std::unique_ptr<SessionLink> open(const CodeFn& on_code, const StatusFn& status) override;
    void cancel() override;

private:
    RelayEgress egress_;  // used by open() only (one at a time)
    std::string name_;
    PendingSession pending_;  // a cancel ends the session: the code dies with it
};

// "the relay R through HTTP proxy P (from PAC ...)" / "the relay R directly
// (from ...)": how a route reaches the relay, for status lines.
std::string describe_route(const tunnel::Route& r);

}  // namespace remote
