// The Linux CarrierMaker: libcurl carriers for the shared transport choice
// (session/transport.h).
#include "tunnel/transport.h"

#include <algorithm>

#include "carrier_stream_impl.h"  // StreamCarrier: a probe that close() can abort while it connects
#include "tunnel/carrier_stream.h"

namespace tunnel {
namespace {

EndpointConfig within(const EndpointConfig& cfg, std::chrono::milliseconds budget) {
    EndpointConfig c = cfg;
    if (budget > std::chrono::milliseconds(0)) c.connect_timeout = std::min(c.connect_timeout, budget);
    return c;
}

}  // namespace

session::CarrierMaker carrier_maker(const EndpointConfig& cfg, const std::string& token) {
    session::CarrierMaker m;
    m.stream = [cfg, token](std::chrono::milliseconds budget) { return connect_stream_carrier(within(cfg, budget), token); };
    m.poll = [cfg, token] { return connect_poll_carrier(cfg, token); };
    m.probe = [cfg, token](std::chrono::milliseconds budget) -> std::shared_ptr<session::ProbeCarrier> {
        return std::make_shared<StreamCarrier>(within(cfg, budget), token, StreamUse::probe);
    };
    m.path_key = (cfg.proxy_url.empty() ? std::string("DIRECT") : cfg.proxy_url) + "|" + cfg.relay_url;
    m.poll_only = is_plain_http(cfg.relay_url);
    return m;
}

session::CarrierFactory transport_factory(EndpointConfig cfg, std::string token, TransportPolicy policy,
                                          TransportLog log, std::shared_ptr<session::TransportWatch> watch) {
    return session::transport_factory(carrier_maker(cfg, token), std::move(policy), std::move(log), std::move(watch));
}

std::chrono::microseconds probe_stream_echo(const EndpointConfig& cfg, const std::string& token,
                                            std::chrono::milliseconds echo_timeout) {
    auto c = connect_stream_carrier(cfg, token);
    return session::echo_round_trip(*c, echo_timeout);
}

std::chrono::microseconds probe_poll_echo(const EndpointConfig& cfg, const std::string& token,
                                          std::chrono::milliseconds echo_timeout) {
    auto c = connect_poll_carrier(cfg, token);
    return session::echo_round_trip(*c, echo_timeout);
}

}  // namespace tunnel
