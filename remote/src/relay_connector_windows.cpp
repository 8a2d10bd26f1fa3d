#include "remote/relay_connector_windows.h"

#include "remote/mux_link.h"
#include "remote/status.h"
#include "secure/secure_stream.h"
#include "winnet/carriers.h"
#include "winnet/session_client.h"

namespace remote {
namespace {

// The joined session: its stream, and end() to finish it at the relay.
class RelaySession final : public session::ByteStream {
public:
    RelaySession(const WinRoute& r, std::string token, session::SessionOptions so, session::TransportPolicy policy,
                 session::TransportLog log)
        : cfg_(r.cfg), token_(std::move(token)),
          stream_(winnet::transport_factory(cfg_, token_, std::move(policy), std::move(log)), std::move(so)) {}
    ~RelaySession() override { stream_.close(); }
    std::size_t read(void* buf, std::size_t len) override { return stream_.read(buf, len); }
    void write(const void* buf, std::size_t len) override { stream_.write(buf, len); }
    void shutdown_write() override { stream_.shutdown_write(); }
    void close() override { stream_.close(); }
    session::SessionStream& stream() { return stream_; }
    // Best effort: a relay that cannot be reached forgets it after its grace period.
    void end() {
        try {
            winnet::SessionClient(cfg_).end(token_);
        } catch (const std::exception&) {
        }
        stream_.close();
    }

private:
    winnet::Config cfg_;
    std::string token_;  // secret; never logged
    session::SessionStream stream_;
};

// The first route whose join works (session/first_working_route.h's rule: a
// fatal refusal or the last route's failure is the answer). JoinError is
// the relay's answer about the code, the same on every route: thrown at once.
template <typename Attempt>
auto in_order(const std::vector<WinRoute>& routes, Attempt attempt) -> decltype(attempt(routes.front())) {
    if (routes.empty()) throw session::CarrierError("no way to reach the relay was found", true);
    for (std::size_t i = 0;; ++i) {
        try {
            return attempt(routes[i]);
        } catch (const session::CarrierError& e) {
            if (e.fatal || i + 1 == routes.size()) throw;
        }
    }
}

// The routes through proxies and DIRECT first; the plain-HTTP fallbacks
// only after a proxy refused CONNECT (tunnel/routes_impl.h's rule on Linux).
template <typename Attempt>
auto over_routes(const std::vector<WinRoute>& routes, Attempt attempt) -> decltype(attempt(routes.front())) {
    std::vector<WinRoute> first, fallback;
    for (const WinRoute& r : routes) (r.plain_fallback ? fallback : first).push_back(r);
    if (first.empty()) return in_order(fallback, attempt);
    try {
        return in_order(first, attempt);
    } catch (const session::CarrierError& e) {
        if (!e.connect_refused || fallback.empty()) throw;
        return in_order(fallback, attempt);
    }
}

}  // namespace

std::unique_ptr<SessionLink> WinnetClientConnector::connect(const std::string& code, const StatusFn& status) {
    pending_.begin();
    status("Looking for the way to the relay...");
    std::string route;
    const WinPlan plan = routes_();
    auto joined = over_routes(plan.routes, [&](const WinRoute& r) {
        route = r.why;
        status("Connecting to " + route + "...");
        winnet::JoinedSession j = winnet::SessionClient(r.cfg).join(code);
        session::SessionOptions so;
        so.heartbeat = r.cfg.heartbeat;
        so.on_status = status_adapter(status, "the supporter");
        return std::make_unique<RelaySession>(r, j.token, std::move(so), plan.policy, session::TransportLog{});
    });
    if (!pending_.still_wanted()) return nullptr;
    status("Securing the connection (" + route + ")...");
    // Shared with the abort: a handshake that throws destroys what it was
    // given while a cancel() may still be closing it (remote/src/relay_connector.cpp).
    std::shared_ptr<RelaySession> shared = std::move(joined);
    RelaySession* raw = shared.get();
    return pending_.run([shared] { shared->close(); }, [&]() -> std::unique_ptr<SessionLink> {
        raw->stream().wait_for_peer();  // no deadline but the code's life
        auto channel = secure::secure_handshake(session::share(shared), secure::SecureRole::client);
        std::string sas = channel->auth_string();
        return std::make_unique<MuxLink>(std::move(channel), sas, [raw] { raw->end(); }, route);
    });
}

void WinnetClientConnector::cancel() { pending_.cancel(); }

}  // namespace remote
