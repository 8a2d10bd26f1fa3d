// open_session / join_session: SessionClient + SessionStream over the
// carriers of a TransportPolicy; route failover; the end-to-end layer.
#include "tunnel/endpoint.h"

namespace tunnel {
namespace {

session::SessionOptions options_for(const EndpointConfig& cfg, session::StatusCallback on_status) {
    session::SessionOptions o;
    o.heartbeat = cfg.heartbeat;
    o.outage_limit = cfg.outage_limit;
    o.on_status = std::move(on_status);
    return o;
}

}  // namespace

EndpointSession::EndpointSession(EndpointConfig cfg, std::string code, std::string token,
                                 session::SessionOptions opts, TransportPolicy policy, Clock::time_point code_expires)
    : cfg_(std::move(cfg)), code_(std::move(code)), token_(std::move(token)), code_expires_(code_expires) {
    stream_ = std::make_unique<session::SessionStream>(
        transport_factory(cfg_, token_, std::move(policy), {}, transport_), std::move(opts));
}

EndpointSession::~EndpointSession() { stream_->close(); }

void EndpointSession::wait_for_peer() {
    try {
        stream_->wait_for_peer();
    } catch (const session::CodeExpiredError&) {
        throw;
    } catch (const session::StreamError& e) {
        if (!code_.empty() && Clock::now() >= code_expires_) throw session::CodeExpiredError(e.what());
        throw;
    }
}

void EndpointSession::end() {
    if (ended_) return;
    ended_ = true;
    try {
        SessionClient(cfg_).end(token_);
    } catch (const std::exception&) {
        // Best effort (see the header): the relay's grace period ends it.
    }
    stream_->close();
}

std::unique_ptr<EndpointSession> open_session(const EndpointConfig& cfg, const std::string& name,
                                              session::StatusCallback on_status, TransportPolicy policy) {
    CreatedSession s = SessionClient(cfg).create(name);
    // An old relay that does not say: its documented default (10 min).
    auto ttl = s.expires_in > std::chrono::seconds::zero() ? s.expires_in : std::chrono::seconds(600);
    return std::make_unique<EndpointSession>(cfg, s.code, s.token, options_for(cfg, std::move(on_status)),
                                             std::move(policy), EndpointSession::Clock::now() + ttl);
}

std::unique_ptr<EndpointSession> join_session(const EndpointConfig& cfg, const std::string& code,
                                              session::StatusCallback on_status, TransportPolicy policy) {
    JoinedSession s = SessionClient(cfg).join(code);
    return std::make_unique<EndpointSession>(cfg, "", s.token, options_for(cfg, std::move(on_status)),
                                             std::move(policy));
}

using SessionPtr = std::unique_ptr<EndpointSession>;

SessionPtr open_session(proxydetect::Detector& detector, const RoutePlan& plan, const std::string& name,
                        session::StatusCallback on_status) {
    return first_working_route<SessionPtr>(detector, plan, [&](const Route& r) {
        return open_session(r.cfg, name, on_status, plan.policy);
    });
}

SessionPtr join_session(proxydetect::Detector& detector, const RoutePlan& plan, const std::string& code,
                        session::StatusCallback on_status) {
    return first_working_route<SessionPtr>(detector, plan, [&](const Route& r) {
        return join_session(r.cfg, code, on_status, plan.policy);
    });
}

std::unique_ptr<secure::SecureStream> secure_session(EndpointSession& session, secure::SecureRole role) {
    session.wait_for_peer();
    return secure::secure_handshake(session::borrow(session), role);
}

}  // namespace tunnel
