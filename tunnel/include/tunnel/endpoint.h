// The application's way into a session: open one (desk side) or join one by
// code (client side) and get a ByteStream to the peer. Underneath: the
// session API (SessionClient) and a SessionStream over carriers chosen by
// the TransportPolicy (stream or poll mode, tunnel/transport.h), with the
// proxy and trust settings of EndpointConfig, or of the first working Route.
// secure_session() then runs the end-to-end TLS layer over it. Nothing here
// says how the bytes travel.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "session/byte_stream.h"
#include "tunnel/http_settings.h"
#include "tunnel/routes.h"
#include "secure/secure_stream.h"
#include "tunnel/session_client.h"
#include "session/session_stream.h"
#include "tunnel/transport.h"

namespace tunnel {

// One side of a live session: a ByteStream to the peer plus the session's
// handle at the relay. Threading: as ByteStream; end() from any thread.
// Destroying it closes the stream but leaves the session to the relay's
// grace period; call end() to finish it for both sides at once.
class EndpointSession : public session::ByteStream {
public:
    using Clock = std::chrono::steady_clock;

    // `code_expires`: when the relay forgets an unused code (desk side;
    // ignored on the client side).
    EndpointSession(EndpointConfig cfg, std::string code, std::string token,
                    session::SessionOptions opts, TransportPolicy policy = {},
                    Clock::time_point code_expires = Clock::time_point::max());
    ~EndpointSession() override;

    // Desk side: the code to read out (6 digits, 9 while the relay sees guessing) (empty on the client side).
    const std::string& code() const { return code_; }
    // Desk side: when the code expires unless someone joins (our clock; the
    // relay's is a round trip earlier at most).
    Clock::time_point code_expires() const { return code_expires_; }

    // Blocks until the peer is there (SessionStream::wait_for_peer), with no
    // deadline but the code's life. Throws CodeExpiredError when nobody
    // joined in time: from the relay's end(expired), or from any failure
    // after the expiry time (a desk whose carrier was down at that moment
    // learns it as "ended"). Other failures: StreamError.
    void wait_for_peer();
    std::size_t read(void* buf, std::size_t len) override { return stream_->read(buf, len); }
    void write(const void* buf, std::size_t len) override { stream_->write(buf, len); }
    void shutdown_write() override { stream_->shutdown_write(); }
    void close() override { stream_->close(); }

    // Until the peer acknowledged all we wrote (true) or `timeout` passed.
    bool drain(std::chrono::milliseconds timeout) { return stream_->drain(timeout); }
    session::SessionStatus status() const { return stream_->status(); }
    // Stream or poll mode, as the transport choice hands out carriers, and
    // each move between them (session/transport.h). Shared: it may outlive this.
    std::shared_ptr<session::TransportWatch> transport() const { return transport_; }
    // The proxy this session goes through ("" = DIRECT).
    const std::string& proxy() const { return cfg_.proxy_url; }
    session::SessionStats stats() const { return stream_->stats(); }

    // Ends the session at the relay (the peer is told) and closes the
    // stream. Best effort: a relay that cannot be reached forgets the
    // session after its grace period anyway. Idempotent.
    void end();

private:
    EndpointConfig cfg_;
    std::string code_;
    std::string token_;  // secret; never logged
    Clock::time_point code_expires_;
    bool ended_ = false;
    std::shared_ptr<session::TransportWatch> transport_ = std::make_shared<session::TransportWatch>();
    std::unique_ptr<session::SessionStream> stream_;
};

// Desk side: creates a session named `name` (shown to the customer) and
// returns at once with the code; the stream connects in the background and
// its reads wait for the peer. Throws CarrierError (cannot reach the relay)
// or std::runtime_error (the relay refused).
std::unique_ptr<EndpointSession> open_session(const EndpointConfig& cfg, const std::string& name,
                                              session::StatusCallback on_status = {},
                                              TransportPolicy policy = {});

// Client side: joins by code. Throws session::JoinError (wrong, expired, used code;
// ended session; rate limited) with a sentence for the customer, or
// CarrierError when the relay cannot be reached.
std::unique_ptr<EndpointSession> join_session(const EndpointConfig& cfg, const std::string& code,
                                              session::StatusCallback on_status = {},
                                              TransportPolicy policy = {});

// The same over the routes of a plan (tunnel/routes.h): the first route
// whose session request works is used for the whole session; routes that
// cannot connect are marked failed in `detector` and skipped.
std::unique_ptr<EndpointSession> open_session(proxydetect::Detector& detector, const RoutePlan& plan,
                                              const std::string& name, session::StatusCallback on_status = {});
std::unique_ptr<EndpointSession> join_session(proxydetect::Detector& detector, const RoutePlan& plan,
                                              const std::string& code, session::StatusCallback on_status = {});

// Waits for the peer as long as the code lives (wait_for_peer), then runs
// the end-to-end TLS handshake over `session`, whose deadline
// (kSecureHandshakeTimeout) starts only now that both sides are there, and
// returns the secure stream; compare its auth_string() on the phone.
// `session` must outlive the result. Throws CodeExpiredError when nobody
// joined in time, StreamError when the handshake fails.
std::unique_ptr<secure::SecureStream> secure_session(EndpointSession& session, secure::SecureRole role);

}  // namespace tunnel
