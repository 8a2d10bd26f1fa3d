// PollCarrier (see carrier_poll.h).
#include "carrier_poll.h"

#include "winnet/carriers.h"

namespace winnet {
namespace {

// Whole-request bound beyond the long-poll wait: a proxy that holds an
// answer longer than this is treated as a broken path (as on Linux).
constexpr std::chrono::milliseconds kSlack{10000};

}  // namespace

PollCarrier::PollCarrier(const Config& cfg, const std::string& token)
    : session::PollCarrier(cfg.heartbeat), cfg_(cfg), route_(route_of(cfg_)), token_(token) {
    up_ = std::make_unique<HttpClient>(cfg_, route_, token_);
    for (auto& p : polls_) p = std::make_unique<HttpClient>(cfg_, route_, token_);
}

PollCarrier::~PollCarrier() { stop(); }

PollCarrier::Answer PollCarrier::poll_once(int poller, long wait_s) {
    HttpClient& client = *polls_[poller];
    auto timeout = std::chrono::seconds(wait_s) + kSlack;
    Response r = client.request("GET", "/v1/poll/down?wait=" + std::to_string(wait_s), "", timeout);
    if (r.status() != 200) throw relay_status(r.status(), r.body);
    std::string seq = r.head.header("X-Tether-Seq");
    if (seq.empty() || seq.find_first_not_of("0123456789") != std::string::npos || seq.size() > 19)
        throw session::CarrierError("the relay's poll answer had no X-Tether-Seq header "
                                    "(is something between us rewriting answers?)");
    return {std::stoull(seq), std::move(r.body)};
}

void PollCarrier::post_once(const std::string& body) {
    Response r = up_->request("POST", "/v1/poll/up", body, cfg_.connect_timeout + kSlack,
                              {{"Content-Type", "application/octet-stream"}});
    if (r.status() != 200 && r.status() != 204) throw relay_status(r.status(), r.body);
}

void PollCarrier::abort_requests() {
    up_->abort();
    for (auto& p : polls_) p->abort();
}

std::string PollCarrier::describe() const {
    return "poll mode " + (route_.proxy ? "through proxy " + route_.proxy_name() : std::string("directly")) +
           (route_.plain() ? " (plain HTTP)" : "");
}

std::unique_ptr<session::Carrier> connect_poll_carrier(const Config& cfg, const std::string& token) {
    auto c = std::make_unique<PollCarrier>(cfg, token);
    c->start();
    return c;
}

session::CarrierFactory poll_carrier_factory(Config cfg, std::string token) {
    return [cfg = std::move(cfg), token = std::move(token)] { return connect_poll_carrier(cfg, token); };
}

}  // namespace winnet
