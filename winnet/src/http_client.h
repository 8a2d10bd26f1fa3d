// Requests to the relay with bounded answers (session API, poll mode) over
// one kept-alive Connection, reopened when the relay or proxy closed it.
// One thread makes requests; abort() from any thread fails the current one
// and every later one soon.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "connection.h"

namespace winnet {

struct Response {
    http1::ResponseHead head;
    std::string body;
    int status() const { return head.status; }
};

class HttpClient {
public:
    // `token`: the session's bearer token, "" for create/join. Not copied
    // into any message.
    HttpClient(const Config& cfg, const Route& route, std::string token = {});

    // `timeout` bounds the whole request after the connection is up.
    Response request(const std::string& method, const std::string& path, const std::string& body,
                     std::chrono::milliseconds timeout, const http1::Headers& extra = {});
    void abort();

private:
    Response once(const std::string& head, const std::string& body, const std::string& method,
                  std::chrono::milliseconds timeout);
    std::shared_ptr<Connection> connection();

    const Config& cfg_;
    const Route& route_;
    const std::string token_;
    std::mutex mu_;  // guards conn_ and aborted_ against abort()
    std::shared_ptr<Connection> conn_;
    std::string buf_;  // bytes read past the last answer (none, normally)
    bool aborted_ = false;
};

// The largest answer body we accept: a poll answer holds up to 1 MiB of
// frames (docs/PROTOCOL.md 3) plus headroom.
constexpr std::size_t kMaxAnswerBody = (1u << 20) + 64 * 1024;

}  // namespace winnet
