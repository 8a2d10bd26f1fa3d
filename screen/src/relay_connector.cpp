#include "screen/relay_connector.h"

#include <atomic>

#include "screen/mux_link.h"
#include "tunnel/secure_stream.h"

namespace screen {
namespace {

std::string route(const tunnel::EndpointConfig& cfg) {
    std::string proxy = tunnel::proxy_host_port(cfg);
    return "the relay " + tunnel::relay_host_port(cfg) + (proxy.empty() ? "" : " through proxy " + proxy);
}

// Turns SessionStatus callbacks into status lines, once per state change.
tunnel::StatusCallback status_adapter(const StatusFn& status, const std::string& waiting_for) {
    auto last = std::make_shared<std::atomic<tunnel::SessionState>>(tunnel::SessionState::connecting);
    return [status, waiting_for, last](const tunnel::SessionStatus& s) {
        std::string line = describe_status(s, last->exchange(s.state), waiting_for);
        if (!line.empty()) status(line);
    };
}

std::unique_ptr<SessionLink> secure_link(std::unique_ptr<tunnel::EndpointSession> session, tunnel::SecureRole role) {
    tunnel::EndpointSession* raw = session.get();  // owned by the secure stream from here
    auto secure = tunnel::secure_handshake(std::move(session), role);
    std::string sas = secure->auth_string();
    return std::make_unique<MuxLink>(std::move(secure), sas, [raw] { raw->end(); });
}

}  // namespace

std::string describe_status(const tunnel::SessionStatus& s, tunnel::SessionState previous,
                            const std::string& waiting_for) {
    using tunnel::SessionState;
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

std::unique_ptr<SessionLink> RelayClientConnector::connect(const std::string& code, const StatusFn& status) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        cancelled_ = false;
    }
    status("Connecting to " + route(cfg_) + "...");
    auto session = tunnel::join_session(cfg_, code, status_adapter(status, "the supporter"));
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (cancelled_) return nullptr;
        pending_ = session.get();
    }
    status("Securing the connection (" + route(cfg_) + ")...");
    std::unique_ptr<SessionLink> link;
    try {
        link = secure_link(std::move(session), tunnel::SecureRole::client);
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

void RelayClientConnector::cancel() {
    std::lock_guard<std::mutex> lk(mu_);
    cancelled_ = true;
    if (pending_) pending_->close();  // aborts the handshake (secure_stream.h)
}

std::unique_ptr<SessionLink> RelayDeskConnector::open(const StatusFn& on_code, const StatusFn& status) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        cancelled_ = false;
    }
    status("Getting a code from " + route(cfg_) + "...");
    auto session = tunnel::open_session(cfg_, name_, status_adapter(status, "the customer"));
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (cancelled_) return nullptr;
        pending_ = session.get();
    }
    on_code(session->code());
    status("Waiting for the customer (" + route(cfg_) + ")...");
    std::unique_ptr<SessionLink> link;
    try {
        link = secure_link(std::move(session), tunnel::SecureRole::desk);
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

void RelayDeskConnector::cancel() {
    std::lock_guard<std::mutex> lk(mu_);
    cancelled_ = true;
    if (pending_) pending_->end();  // the code dies with it
}

}  // namespace screen
