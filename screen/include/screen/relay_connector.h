// The production way desk and client reach each other: a relay session over
// the routes proxydetect proposes (tunnel::prepare_egress: proxy.conf,
// --proxy overrides, environment, PAC/WPAD; failover between routes, stream
// or poll mode chosen automatically), the end-to-end TLS handshake
// (tunnel::secure_handshake, whose short authentication string both windows
// show), then the Mux carrying the control, rfb and file channels.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "screen/channels.h"
#include "tunnel/endpoint.h"
#include "tunnel/endpoint_options.h"

namespace screen {

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

// A session between its creation and the end of its end-to-end handshake,
// through the wait for the peer (as long as the code lives), that cancel()
// from any thread aborts.
class PendingSession {
public:
    // How cancel() aborts a session: close() (just leave) or end() (the
    // code dies with it).
    using Abort = void (tunnel::EndpointSession::*)();
    explicit PendingSession(Abort abort) : abort_(abort) {}

    void begin();  // a new attempt: not cancelled
    // Waits for the peer, then runs the handshake on `session` (its
    // deadline starts once the peer is there); nullptr when cancelled before
    // or during either. Throws what they throw otherwise
    // (session::CodeExpiredError: nobody joined in time).
    std::unique_ptr<SessionLink> secure(std::unique_ptr<tunnel::EndpointSession> session,
                                        tunnel::SecureRole role, const std::string& route);
    // false once cancelled: the caller stops before it shows anything more.
    bool still_wanted();
    void cancel();

private:
    const Abort abort_;
    std::mutex mu_;
    tunnel::EndpointSession* pending_ = nullptr;  // during the handshake
    bool cancelled_ = false;
};

class RelayClientConnector : public ClientConnector {
public:
    explicit RelayClientConnector(tunnel::EndpointOptions opts) : egress_(std::move(opts)) {}
    std::unique_ptr<SessionLink> connect(const std::string& code, const StatusFn& status) override;
    void cancel() override;

private:
    RelayEgress egress_;  // used by connect() only (one at a time)
    PendingSession pending_{&tunnel::EndpointSession::close};
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
    PendingSession pending_{&tunnel::EndpointSession::end};  // the code dies with a cancel
};

// A status line for a session state change ("Reconnecting... (why)"); empty
// when nothing a person needs to see changed (e.g. a new RTT sample).
std::string describe_status(const session::SessionStatus& s, session::SessionState previous,
                            const std::string& waiting_for);

// "the relay R through HTTP proxy P (from PAC ...)" / "the relay R directly
// (from ...)": how a route reaches the relay, for status lines.
std::string describe_route(const tunnel::Route& r);

}  // namespace screen
