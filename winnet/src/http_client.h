// Requests to the relay with bounded answers (session API, poll mode) over
// one kept-alive Connection, reopened when the relay or proxy closed it.
// A keyed credential (plain HTTP, e2e/request_auth.h) signs each request
// (X-Tether-Auth) instead of a bearer token and checks each 2xx answer's
// signature; through a proxy the request target is then absolute-form, and
// the proxy's 407 is answered with the same login as our CONNECT
// (proxy_auth.h): Basic and Digest then go with every later request of
// this client unasked; NTLM and Negotiate authenticate the kept-alive
// connection, and a new connection logs in again (each HttpClient its own:
// a poll carrier's two pollers and its sender each have one).
// One thread makes requests; abort() from any thread fails the current one
// and every later one soon.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "connection.h"
#include "e2e/request_auth.h"
#include "proxy_auth.h"

namespace winnet {

struct Response {
    http1::ResponseHead head;
    std::string body;
    int status() const { return head.status; }
};

class HttpClient {
public:
    // `token`: the side's credential (e2e::SideCredential: a bearer token,
    // or token~key over plain HTTP), "" for create/join. Not copied into
    // any message.
    HttpClient(const Config& cfg, const Route& route, std::string token = {});

    // `timeout` bounds each try after its connection is up (one more per
    // 407 round of a plain request through the proxy, at most
    // kMaxAuthRounds).
    // Throws session::CarrierError, also for a 2xx answer to a keyed
    // request that the relay did not sign.
    Response request(const std::string& method, const std::string& path, const std::string& body,
                     std::chrono::milliseconds timeout, const http1::Headers& extra = {});
    void abort();

private:
    http1::RequestHead head_of(const std::string& method, const std::string& target, const std::string& body,
                               const http1::Headers& extra, std::uint64_t seq) const;
    Response once(const http1::RequestHead& req, const std::string& body, std::chrono::milliseconds timeout);
    Response exchange(const http1::RequestHead& req, const std::string& body, const std::string& authorization,
                      std::chrono::milliseconds timeout);
    void check_signed(const Response& r, const std::string& target, std::uint64_t seq) const;
    std::shared_ptr<Connection> connection();

    const Config& cfg_;
    const Route& route_;
    const e2e::SideCredential cred_;
    std::mutex mu_;  // guards conn_ and aborted_ against abort()
    std::shared_ptr<Connection> conn_;
    std::string buf_;  // bytes read past the last answer (none, normally)
    bool aborted_ = false;
    // Plain requests through a proxy: the login the proxy last accepted
    // (for ProxyAuth::again), null before the first 407.
    std::unique_ptr<ProxyAuth> login_;
};

// The largest answer body we accept: a poll answer holds up to 1 MiB of
// frames (docs/PROTOCOL.md 3) plus headroom.
constexpr std::size_t kMaxAnswerBody = (1u << 20) + 64 * 1024;

}  // namespace winnet
