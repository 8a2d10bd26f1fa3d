// The Linux poll-mode carrier: session::PollCarrier's protocol with
// libcurl's requests (carrier_poll_http.cpp). Each request path has its own
// kept-alive easy handle; libcurl's progress callback ends a request soon
// after the carrier closes (stopping()), so close() never waits out a long
// poll.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "http_easy.h"
#include "session/poll_carrier.h"
#include "tunnel/carrier_poll.h"

namespace tunnel {

class PollCarrier : public session::PollCarrier {
public:
    PollCarrier(const EndpointConfig& cfg, const std::string& token);
    ~PollCarrier() override;
    std::string describe() const override;

private:
    Answer poll_once(int poller, long wait_s) override;
    void post_once(const std::string& body) override;
    Answer poll_with(http::Easy& e, long wait_s);
    std::unique_ptr<http::Easy> make_easy(const std::string& path);

    const EndpointConfig cfg_;
    const std::string token_;  // secret; never logged
    std::unique_ptr<http::Easy> up_;  // POST /v1/poll/up; the sending thread's
    std::array<std::unique_ptr<http::Easy>, 2> polls_;  // each poller's own
};

}  // namespace tunnel
