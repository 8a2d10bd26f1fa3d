// open_session / join_session: SessionClient + SessionStream over StreamCarriers.
#include "tunnel/endpoint.h"

#include "tunnel/carrier_stream.h"

namespace tunnel {
namespace {

SessionOptions options_for(const EndpointConfig& cfg, StatusCallback on_status) {
    SessionOptions o;
    o.heartbeat = cfg.heartbeat;
    o.on_status = std::move(on_status);
    return o;
}

}  // namespace

EndpointSession::EndpointSession(EndpointConfig cfg, std::string code, std::string token,
                                 SessionOptions opts)
    : cfg_(std::move(cfg)), code_(std::move(code)), token_(std::move(token)) {
    stream_ = std::make_unique<SessionStream>(stream_carrier_factory(cfg_, token_), std::move(opts));
}

EndpointSession::~EndpointSession() { stream_->close(); }

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
                                              StatusCallback on_status) {
    CreatedSession s = SessionClient(cfg).create(name);
    return std::make_unique<EndpointSession>(cfg, s.code, s.token,
                                             options_for(cfg, std::move(on_status)));
}

std::unique_ptr<EndpointSession> join_session(const EndpointConfig& cfg, const std::string& code,
                                              StatusCallback on_status) {
    JoinedSession s = SessionClient(cfg).join(code);
    return std::make_unique<EndpointSession>(cfg, "", s.token, options_for(cfg, std::move(on_status)));
}

}  // namespace tunnel
