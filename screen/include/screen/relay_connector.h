// The production way desk and client reach each other: a relay session
// (tunnel::open_session / join_session, through the configured proxy), the
// end-to-end TLS handshake (tunnel::secure_handshake, whose short
// authentication string both windows show), then the Mux carrying the
// control and rfb channels.
#pragma once

#include <mutex>
#include <string>

#include "screen/channels.h"
#include "tunnel/endpoint.h"

namespace screen {

class RelayClientConnector : public ClientConnector {
public:
    explicit RelayClientConnector(tunnel::EndpointConfig cfg) : cfg_(std::move(cfg)) {}
    std::unique_ptr<SessionLink> connect(const std::string& code, const StatusFn& status) override;
    void cancel() override;

private:
    tunnel::EndpointConfig cfg_;
    std::mutex mu_;
    tunnel::EndpointSession* pending_ = nullptr;  // during the TLS handshake
    bool cancelled_ = false;
};

class RelayDeskConnector : public DeskConnector {
public:
    RelayDeskConnector(tunnel::EndpointConfig cfg, std::string name) : cfg_(std::move(cfg)), name_(std::move(name)) {}
    std::unique_ptr<SessionLink> open(const StatusFn& on_code, const StatusFn& status) override;
    void cancel() override;

private:
    tunnel::EndpointConfig cfg_;
    std::string name_;
    std::mutex mu_;
    tunnel::EndpointSession* pending_ = nullptr;  // while waiting for the customer
    bool cancelled_ = false;
};

// A status line for a session state change ("Reconnecting... (why)"); empty
// when nothing a person needs to see changed (e.g. a new RTT sample).
std::string describe_status(const tunnel::SessionStatus& s, tunnel::SessionState previous,
                            const std::string& waiting_for);

}  // namespace screen
