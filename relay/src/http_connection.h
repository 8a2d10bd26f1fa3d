// One client connection of the event-driven server: TLS handshake, request
// heads read within their bounds (head_scanner.h), bodies read whole within
// --max-body-bytes or streamed to a BodySink, responses whole or streamed
// from a ChunkSource, keep-alive. Every step is an asynchronous operation on
// the connection's strand; a deadline timer closes a connection that stalls
// a step. Owned by the handlers of its pending operations (shared_ptr).
// Internal to relay/.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <memory>
#include <optional>

#include "connection_registry.h"
#include "head_scanner.h"
#include "http_context.h"
#include "transport.h"

namespace relay {

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
public:
    // `cx` outlives every connection; `tls` is nullptr for plain TCP (a
    // certificate reload gives later connections a new context).
    HttpConnection(tcp::socket socket, ConnectionRegistry::Slot slot, std::string remote_addr, HttpContext& cx,
                   std::shared_ptr<asio::ssl::context> tls);
    ~HttpConnection();
    void start();

    // The Exchange interface (http_exchange.h); all on the strand.
    const HttpRequest& request() const { return request_; }
    asio::any_io_executor executor() { return transport_.get_executor(); }
    void respond(Response res);
    void stream(Response head, std::shared_ptr<ChunkSource> source);
    void consume(std::shared_ptr<BodySink> sink);
    void authenticated() { slot_.authenticated(); }

    // A cluster (cluster_splice.cpp): this connection came in on the
    // cluster listener: its requests must be forwarded by a node
    // (X-Tether-Cluster), whose view of the source they carry.
    void serve_cluster() { cluster_.listener = true; }
    void forward(std::string node, std::string addr);

private:
    friend class Splice;  // takes the connection over when forwarding
    struct ClusterRole {
        bool listener = false;  // accepted on the cluster listener
        bool trusted = false;   // its first request carried the cluster secret
        bool plain = false;     // the forwarding node got it without TLS
        int forwards = 0;       // forward attempts of this request (refused nodes)
    };
    // Cluster listener only: checks the first request's X-Tether-Cluster and
    // takes the source address and scheme the edge saw; false after a 403.
    bool admit_cluster_request();
    void retry_after_refusal();
    using Clock = std::chrono::steady_clock;
    void arm(Clock::time_point at, std::optional<Refusal> why);
    void begin_write();  // a response write starts: watched for progress
    void watch_writes(Clock::duration after);
    void disarm();
    void read_head(bool fresh_deadline);
    void scan_head();
    void read_head_bytes();
    void when_readable(void (HttpConnection::*next)());
    void parse_head(std::size_t head_bytes);
    bool content_length_ok() const;
    void dispatch();
    void invoke_handler();
    void read_whole_body();
    void watch_uplink(Clock::duration after);
    void read_body_piece();
    void read_body_bytes();
    void feed_piece(std::size_t got);
    void on_fed(bool more, bool done);
    void finish_upload(bool complete);
    void send_continue(std::function<void()> then);
    void refuse(Refusal why, std::optional<ApiError> answer);
    void write_chunk(std::string bytes);
    void end_stream();
    void watch_hangup();
    void read_hangup();
    void after_response(bool keep_alive);
    void linger_close();
    void drain(std::size_t dropped);
    void close();

    HttpContext& cx_;
    ClusterRole cluster_;
    ConnectionRegistry::Slot slot_;
    std::shared_ptr<asio::ssl::context> tls_;
    Transport transport_;
    asio::steady_timer deadline_;
    std::uint64_t deadline_gen_ = 0;  // a wait belongs to the arm() that started it
    asio::steady_timer write_watch_;  // closes a connection whose write made no progress for write_timeout
    Clock::time_point write_progress_;  // the last write that moved bytes
    bool writing_ = false, watch_pending_ = false;
    boost::beast::flat_buffer buffer_;
    HeadScanner scanner_;
    std::optional<http::request_parser<http::empty_body>> head_parser_;
    std::optional<http::request_parser<http::string_body>> whole_parser_;
    std::optional<http::request_parser<http::buffer_body>> stream_parser_;
    HttpRequest request_;
    const struct Route* route_ = nullptr;
    bool keep_alive_ = false;   // the client allows another request on this connection
    bool body_unread_ = false;  // bytes of this request's body may still be on the wire
    bool responded_ = false;
    bool closed_ = false;
    Clock::time_point body_start_;
    bool reading_ = false;        // an uplink read is pending, since read_since_
    Clock::time_point read_since_;
    bool busy_ = false;           // the last uplink read took at least half a piece: bulk is flowing
    bool read_filled_ = false;    // the last uplink read filled its buffer: more is there
    std::string piece_;  // a streamed body's bytes between socket and sink; scratch when lingering
    std::shared_ptr<BodySink> sink_;
    std::shared_ptr<ChunkSource> source_;
    std::shared_ptr<Response> stream_head_;
    std::shared_ptr<http::response_serializer<http::string_body>> stream_serializer_;
    std::string chunk_out_;   // a small chunk being written, framed (write_chunk())
    std::string chunk_body_;  // a big chunk's data being written
};

}  // namespace relay
