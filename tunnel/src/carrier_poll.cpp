// The Linux poll-mode carrier: construction and the factory (the protocol is
// session/poll_carrier.h's, the requests carrier_poll_http.cpp's).
#include "carrier_poll_impl.h"

namespace tunnel {

PollCarrier::PollCarrier(const EndpointConfig& cfg, const std::string& token)
    : session::PollCarrier(cfg.heartbeat), cfg_(cfg), token_(token) {}

PollCarrier::~PollCarrier() { stop(); }

std::string PollCarrier::describe() const {
    std::string how = cfg_.proxy_url.empty() ? "directly"
                    : is_plain_http(cfg_.relay_url) ? "through proxy " + proxy_host_port(cfg_) + " (plain HTTP)"
                                                    : "through proxy " + proxy_host_port(cfg_);
    return "poll mode " + how;
}

std::unique_ptr<session::Carrier> connect_poll_carrier(const EndpointConfig& cfg, const std::string& token) {
    auto c = std::make_unique<PollCarrier>(cfg, token);
    c->start();
    return c;
}

session::CarrierFactory poll_carrier_factory(EndpointConfig cfg, std::string token) {
    return [cfg = std::move(cfg), token = std::move(token)] { return connect_poll_carrier(cfg, token); };
}

}  // namespace tunnel
