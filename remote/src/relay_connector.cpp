#include "remote/relay_connector.h"

#include <atomic>
#include <functional>

#include "remote/mux_link.h"
#include "remote/status.h"
#include "secure/secure_stream.h"

namespace remote {
namespace {

using SessionPtr = std::unique_ptr<tunnel::EndpointSession>;

// The plan's routes in order with failover (what tunnel::open_session /
// join_session over a plan do), saying which route is being tried; `used`
// gets the description of the one that worked.
SessionPtr over_routes(tunnel::Egress& e, const std::string& doing, const StatusFn& status, std::string& used,
                       const std::function<SessionPtr(const tunnel::Route&)>& attempt) {
    return tunnel::first_working_route<SessionPtr>(*e.detector, e.plan, [&](const tunnel::Route& r) {
        used = describe_route(r);
        status(doing + " " + used + "...");
        return attempt(r);
    });
}

std::unique_ptr<SessionLink> secure_link(const std::shared_ptr<tunnel::EndpointSession>& session,
                                         secure::SecureRole role, const std::string& route) {
    session->wait_for_peer();  // no deadline but the code's life: people take minutes
    tunnel::EndpointSession* raw = session.get();  // kept alive by the secure stream from here
    MuxLink::Carried carried{session->proxy(), session->transport()};
    auto secure = secure::secure_handshake(session::share(session), role);
    std::string sas = secure->auth_string();
    return std::make_unique<MuxLink>(std::move(secure), sas, [raw] { raw->end(); }, route, std::move(carried));
}

// secure_link under `pending`, whose cancel() aborts the session with `how`.
// The abort holds the session too: a handshake that throws destroys what it
// was given, and an abort still running then (end() waits for the relay's
// answer to its DELETE) used a destroyed session (tether-desk crashed in
// EndpointSession::end when quit while waiting for the customer). The
// session goes when run() has returned, after any abort.
std::unique_ptr<SessionLink> secure_pending(PendingSession& pending, SessionPtr owned,
                                            void (tunnel::EndpointSession::*how)(), secure::SecureRole role,
                                            const std::string& route) {
    std::shared_ptr<tunnel::EndpointSession> session = std::move(owned);
    return pending.run([session, how] { (session.get()->*how)(); },
                       [&] { return secure_link(session, role, route); });
}

}  // namespace

tunnel::Egress& RelayEgress::prepare() {
    if (!egress_) {
        egress_ = std::make_unique<tunnel::Egress>(tunnel::prepare_egress(opts_));
        return *egress_;
    }
    // Same base as prepare_egress builds; the detector keeps its failover marks.
    tunnel::EndpointConfig base = opts_.base;
    base.heartbeat = std::chrono::milliseconds(opts_.heartbeat_ms);
    egress_->plan = tunnel::plan_routes(*egress_->detector, base);
    return *egress_;
}

std::string describe_route(const tunnel::Route& r) {
    return route_sentence("the relay " + tunnel::relay_host_port(r.cfg), r.candidate.is_direct(), r.candidate.source,
                          r.why);
}

std::unique_ptr<SessionLink> RelayClientConnector::connect(const std::string& code, const StatusFn& status) {
    pending_.begin();
    status("Looking for the way to the relay...");
    tunnel::Egress& egress = egress_.prepare();
    std::string route;
    auto session = over_routes(egress, "Connecting to", status, route, [&](const tunnel::Route& r) {
        return tunnel::join_session(r.cfg, code, status_adapter(status, "the supporter"), egress.plan.policy);
    });
    if (!pending_.still_wanted()) return nullptr;
    status("Securing the connection (" + route + ")...");
    return secure_pending(pending_, std::move(session), &tunnel::EndpointSession::close, secure::SecureRole::client,
                          route);
}

void RelayClientConnector::cancel() { pending_.cancel(); }

std::unique_ptr<SessionLink> RelayDeskConnector::open(const CodeFn& on_code, const StatusFn& status) {
    pending_.begin();
    status("Looking for the way to the relay...");
    tunnel::Egress& egress = egress_.prepare();
    std::string route;
    auto session = over_routes(egress, "Getting a code from", status, route, [&](const tunnel::Route& r) {
        return tunnel::open_session(r.cfg, name_, status_adapter(status, "the customer"), egress.plan.policy);
    });
    if (!pending_.still_wanted()) return nullptr;
    on_code(SessionCode{session->code(), session->code_expires()});
    status("Waiting for the customer (" + route + ")...");
    // A cancel ends the session: the code dies with it.
    return secure_pending(pending_, std::move(session), &tunnel::EndpointSession::end, secure::SecureRole::desk, route);
}

void RelayDeskConnector::cancel() { pending_.cancel(); }

}  // namespace remote
