#include "screen/relay_connector.h"

#include <atomic>
#include <functional>

#include "screen/mux_link.h"
#include "tunnel/secure_stream.h"

namespace screen {
namespace {

using SessionPtr = std::unique_ptr<tunnel::EndpointSession>;

// Turns SessionStatus callbacks into status lines, once per state change.
session::StatusCallback status_adapter(const StatusFn& status, const std::string& waiting_for) {
    auto last = std::make_shared<std::atomic<session::SessionState>>(session::SessionState::connecting);
    return [status, waiting_for, last](const session::SessionStatus& s) {
        std::string line = describe_status(s, last->exchange(s.state), waiting_for);
        if (!line.empty()) status(line);
    };
}

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

std::unique_ptr<SessionLink> secure_link(std::unique_ptr<tunnel::EndpointSession> session, tunnel::SecureRole role,
                                         const std::string& route) {
    session->wait_for_peer();  // no deadline but the code's life: people take minutes
    tunnel::EndpointSession* raw = session.get();  // owned by the secure stream from here
    auto secure = tunnel::secure_handshake(std::move(session), role);
    std::string sas = secure->auth_string();
    return std::make_unique<MuxLink>(std::move(secure), sas, [raw] { raw->end(); }, route);
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
    std::string relay = "the relay " + tunnel::relay_host_port(r.cfg);
    if (!r.candidate.is_direct()) return relay + " through " + r.why;
    return relay + " directly" + (r.candidate.source.empty() ? "" : " (from " + r.candidate.source + ")");
}

std::string describe_status(const session::SessionStatus& s, session::SessionState previous,
                            const std::string& waiting_for) {
    using session::SessionState;
    if (s.state == previous && s.state != SessionState::connecting) return "";
    std::string detail = s.detail.empty() ? "" : " (" + s.detail + ")";
    switch (s.state) {
    case SessionState::connecting: return "Connecting" + detail + "...";
    case SessionState::waiting_for_peer: return "Waiting for " + waiting_for + "...";
    case SessionState::connected: return previous == SessionState::reconnecting ? "Connected again" + detail : "";
    case SessionState::reconnecting: return "Reconnecting..." + detail;
    case SessionState::ended: return "Ended" + detail;
    }
    return "";
}

void PendingSession::begin() {
    std::lock_guard<std::mutex> lk(mu_);
    cancelled_ = false;
}

bool PendingSession::still_wanted() {
    std::lock_guard<std::mutex> lk(mu_);
    return !cancelled_;
}

std::unique_ptr<SessionLink> PendingSession::secure(std::unique_ptr<tunnel::EndpointSession> session,
                                                    tunnel::SecureRole role, const std::string& route) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (cancelled_) {
            ((*session).*abort_)();  // cancelled while the code was being shown
            return nullptr;
        }
        pending_ = session.get();
    }
    std::unique_ptr<SessionLink> link;
    try {
        link = secure_link(std::move(session), role, route);
    } catch (...) {
        std::lock_guard<std::mutex> lk(mu_);
        pending_ = nullptr;
        if (cancelled_) return nullptr;
        throw;
    }
    std::lock_guard<std::mutex> lk(mu_);
    pending_ = nullptr;
    return link;
}

void PendingSession::cancel() {
    std::lock_guard<std::mutex> lk(mu_);
    cancelled_ = true;
    if (pending_) (pending_->*abort_)();  // aborts the handshake (secure_stream.h)
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
    return pending_.secure(std::move(session), tunnel::SecureRole::client, route);
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
    return pending_.secure(std::move(session), tunnel::SecureRole::desk, route);
}

void RelayDeskConnector::cancel() { pending_.cancel(); }

}  // namespace screen
