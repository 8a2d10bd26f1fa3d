// The Windows poll-mode carrier: session::PollCarrier's protocol (the same
// as Linux's) with winnet's requests. Each request path has its own
// kept-alive HttpClient; closing or failing aborts them all.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "http_client.h"
#include "session/poll_carrier.h"

namespace winnet {

class PollCarrier : public session::PollCarrier {
public:
    PollCarrier(const Config& cfg, const std::string& token);
    ~PollCarrier() override;
    std::string describe() const override;

private:
    Answer poll_once(int poller, long wait_s) override;
    void post_once(const std::string& body) override;
    void abort_requests() override;

    const Config cfg_;
    const Route route_;
    const std::string token_;  // secret; never logged
    std::unique_ptr<HttpClient> up_;                     // the sending thread's
    std::array<std::unique_ptr<HttpClient>, 2> polls_;  // each poller's own
};

}  // namespace winnet
