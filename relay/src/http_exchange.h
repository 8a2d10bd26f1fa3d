// What an HTTP handler sees of one request and how it answers, on the
// event-driven server (http_connection.cpp). A handler runs on the
// connection's strand and never blocks: it answers at once, or keeps the
// Exchange and answers later from work it posted to exchange.executor()
// (timers, FrameQueue wakers). Internal to relay/.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "relay/errors.h"
#include "relay/session_directory.h"

namespace relay {

namespace http = boost::beast::http;
using Response = http::response<http::string_body>;

struct HttpRequest {
    http::verb method = http::verb::unknown;
    std::string path;                           // origin-form path, without the query
    std::map<std::string, std::string> params;  // query parameters (last one wins), not decoded
    http::fields headers;
    std::string body;         // routes that read their body whole; empty otherwise
    std::string remote_addr;  // the TCP peer (X-Forwarded-For is never trusted)
    bool plain = false;       // came without TLS (--plain-http, --plain-listen): a proxy may have read it
    std::string target;       // origin-form path and query as sent (request MACs cover it)
    bool from_node = false;   // a cluster: forwarded by another node (cluster listener, cluster_splice.h)

    bool has_param(const std::string& name) const { return params.count(name) > 0; }
    std::string header(http::field f) const {
        const auto v = headers[f];
        return std::string(v.data(), v.size());
    }
    std::string header(std::string_view name) const {
        const auto v = headers[boost::beast::string_view(name.data(), name.size())];
        return std::string(v.data(), v.size());
    }
};

// A streamed (chunked) response body, pulled by the connection.
class ChunkSource {
public:
    virtual ~ChunkSource() = default;
    // Asks for the next piece. The source calls `give` exactly once, on the
    // connection's strand, now or later: bytes to send, or an empty string to
    // end the response. The connection asks again only after sending it.
    virtual void next(std::function<void(std::string)> give) = 0;
    // The response is over: ended, the peer hung up, or a write failed. No
    // `give` is wanted after this. Called once, on the strand.
    virtual void finished() = 0;
};

// A streamed request body, pushed by the connection (stream-mode uplinks).
class BodySink {
public:
    virtual ~BodySink() = default;
    // Consumes `data` (valid during the call only). Calls `resume(more)`
    // exactly once, on the strand, now or later: true reads on, false stops
    // reading (the answer is then sent and the connection closed).
    virtual void feed(std::string_view data, std::function<void(bool more)> resume) = 0;
    // The response, once the body ended (`complete`) or reading stopped.
    virtual Response answer(bool complete) = 0;
};

class HttpConnection;

// A handle on the request being answered; copyable, keeps its connection
// alive. Exactly one of respond(), stream() or consume() per request.
class Exchange {
public:
    explicit Exchange(std::shared_ptr<HttpConnection> c) : c_(std::move(c)) {}
    const HttpRequest& request() const;
    boost::asio::any_io_executor executor() const;  // the connection's strand
    void respond(Response res);
    void stream(Response head, std::shared_ptr<ChunkSource> source);
    // Only for routes registered with a streamed body.
    void consume(std::shared_ptr<BodySink> sink);
    // The request proved a session token or made/joined a session: the
    // connection no longer counts as a stranger's (--max-unauthenticated).
    void authenticated();
    // From now on respond() adds the response MAC under `key` bound to the
    // request's sequence number `seq` (e2e/request_auth.h). Copies of this
    // Exchange made afterwards sign too. Not for stream().
    void sign_responses(std::shared_ptr<SideKey> key, std::uint64_t seq);
    // A cluster: hands this request and the rest of its connection to node
    // `node`'s cluster listener at `addr` ("HOST:PORT INCARNATION", its
    // liveness value in Redis) instead of answering
    // (cluster_splice.h). If that node refuses the connection the handler
    // runs again, with the node counted as dead (a few times at most).
    void forward(std::string node, std::string addr);

private:
    struct Signer {
        std::shared_ptr<SideKey> key;
        std::uint64_t seq;
    };
    std::shared_ptr<HttpConnection> c_;
    std::shared_ptr<const Signer> signer_;  // nullptr: bearer requests, unsigned answers
};

// Responses every handler builds the same way.
Response json_response(int status, std::string body);
Response error_response(ApiError e);

}  // namespace relay
