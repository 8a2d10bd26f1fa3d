#include "http_connection.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <cstdio>
#include <limits>

namespace relay {
namespace {

namespace beast = boost::beast;
using error_code = boost::system::error_code;

// Bytes read from the socket at a time while a head arrives.
constexpr std::size_t kHeadReadBytes = 4096;
// A streamed body (uplink) moves through this many bytes at a time: one TLS
// record's payload. Held only while bytes arrive (when_readable()).
constexpr std::size_t kPieceBytes = 16 * 1024;
// An idle uplink's read: a few heartbeat chunks (~50 bytes each).
constexpr std::size_t kSmallRead = 512;
// Chunks of at most this many bytes are written as one contiguous buffer
// (write_chunk()); the buffer's capacity stays with the downlink, so keep
// it small (heartbeats and pongs are ~20 bytes).
constexpr std::size_t kSmallChunk = 1024;
// A body read whole may lag --min-body-rate by this many bytes (TLS records
// and TCP windows arrive in bursts).
constexpr std::size_t kRateSlackBytes = 64 * 1024;
// After a final answer we stop sending and read (and drop) what the client
// still sends for this long: closing with unread data would reset the
// connection and could destroy the answer before the client read it.
// At most kLingerBytes: a client that keeps sending is not read on for free.
constexpr std::chrono::seconds kLinger{2};
constexpr std::size_t kLingerBytes = 256 * 1024;
// Unacknowledged writes older than this fail the connection (a reader that
// stopped reading); like TCP_USER_TIMEOUT, a few heartbeats.
std::chrono::milliseconds write_timeout(std::chrono::milliseconds heartbeat) {
    return std::max<std::chrono::milliseconds>(std::chrono::seconds(10), 4 * heartbeat);
}
// A write deadline restarts with every piece the client takes: it catches a
// reader that stopped reading, not a slow link (a 256 KiB batch takes 16 s at
// 128 kbit/s).
// An idle uplink receives a ping every heartbeat: 3 missed ones plus margin.
std::chrono::milliseconds uplink_idle_timeout(std::chrono::milliseconds heartbeat) {
    return std::max<std::chrono::milliseconds>(std::chrono::seconds(15), 3 * heartbeat + std::chrono::seconds(9));
}

// "/v1/x?a=1&b" -> path "/v1/x", params {a: 1, b: ""}. An absolute-form
// target ("https://host:port/v1/x", RFC 9112 3.2.2) counts as its path.
void split_target(std::string_view target, HttpRequest& req) {
    for (std::string_view scheme : {"http://", "https://"}) {
        if (target.size() < scheme.size()) continue;
        bool match = true;
        for (std::size_t i = 0; i < scheme.size(); ++i)
            match = match && std::tolower(static_cast<unsigned char>(target[i])) == scheme[i];
        if (!match) continue;
        const auto slash = target.find('/', scheme.size());
        target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
        break;
    }
    req.target = std::string(target);
    const auto q = target.find('?');
    req.path = std::string(target.substr(0, q));
    std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        if (!pair.empty())
            req.params[std::string(pair.substr(0, eq))] =
                eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1));
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
}

std::optional<Refusal> head_refusal(HeadScanner::Verdict v) {
    switch (v) {
    case HeadScanner::Verdict::line_too_long: return Refusal::line_too_long;
    case HeadScanner::Verdict::too_many_headers: return Refusal::too_many_headers;
    case HeadScanner::Verdict::head_too_large: return Refusal::head_too_large;
    default: return std::nullopt;
    }
}

// `data` as one HTTP/1.1 chunk (RFC 9112 7.1: hex size, CRLF, data, CRLF)
// into `out`, whose capacity is kept for the next one.
void frame_chunk(const std::string& data, std::string& out) {
    char size[2 * sizeof(std::size_t) + 1];
    const int n = std::snprintf(size, sizeof size, "%zx", data.size());
    out.clear();
    out.append(size, static_cast<std::size_t>(n)).append("\r\n").append(data).append("\r\n");
}

}  // namespace

HttpConnection::HttpConnection(tcp::socket socket, ConnectionRegistry::Slot slot, std::string remote_addr,
                               HttpContext& cx, std::shared_ptr<asio::ssl::context> tls)
    : cx_(cx), slot_(std::move(slot)), tls_(std::move(tls)), transport_(std::move(socket), tls_.get()),
      deadline_(transport_.get_executor()), write_watch_(transport_.get_executor()),
      buffer_(std::max<std::size_t>(cx.config.max_head_bytes + kHeadReadBytes, 64 * 1024)),
      scanner_({cx.config.max_line_bytes, cx.config.max_headers, cx.config.max_head_bytes}) {
    request_.remote_addr = std::move(remote_addr);
    ++cx_.metrics.open_connections;
    transport_.on_write_progress([this] { write_progress_ = Clock::now(); });
}

HttpConnection::~HttpConnection() {
    if (source_) source_->finished();
    --cx_.metrics.open_connections;
}

void HttpConnection::start() {
    // One deadline for the TLS handshake and the first request head.
    arm(Clock::now() + cx_.config.head_timeout, Refusal::head_timeout);
    transport_.async_handshake([self = shared_from_this()](const error_code& ec) {
        if (ec) return self->close();
        self->read_head(false);
    });
}

// The deadline closes the connection (every pending operation then fails);
// `why` is counted and logged as a refusal when it fires.
void HttpConnection::arm(Clock::time_point at, std::optional<Refusal> why) {
    const std::uint64_t gen = ++deadline_gen_;
    deadline_.expires_at(at);
    deadline_.async_wait([self = shared_from_this(), gen, why](const error_code& ec) {
        if (ec || gen != self->deadline_gen_ || self->closed_) return;
        if (why) self->cx_.refusals.note(*why, self->request_.remote_addr);
        self->close();
    });
}

// Writes are watched lazily: a write only records its progress, and one
// timer per connection checks it every write_timeout (rather than a timer
// set and cancelled around every write, which idle heartbeats made the
// relay's main work).
void HttpConnection::begin_write() {
    writing_ = true;
    write_progress_ = Clock::now();
    if (!watch_pending_) watch_writes(write_timeout(cx_.config.heartbeat));
}

void HttpConnection::watch_writes(Clock::duration after) {
    watch_pending_ = true;
    write_watch_.expires_after(after);
    write_watch_.async_wait([self = shared_from_this()](const error_code& ec) {
        self->watch_pending_ = false;
        if (ec || self->closed_ || !self->writing_) return;
        const auto limit = write_timeout(self->cx_.config.heartbeat);
        const auto stalled = Clock::now() - self->write_progress_;
        if (stalled >= limit) return self->close();  // a reader that stopped reading
        self->watch_writes(limit - stalled);
    });
}

void HttpConnection::disarm() {
    ++deadline_gen_;
    deadline_.cancel();
}

void HttpConnection::close() {
    if (closed_) return;
    closed_ = true;
    disarm();
    write_watch_.cancel();
    transport_.close();
    if (source_) {
        source_->finished();
        source_.reset();
    }
    sink_.reset();
}

void HttpConnection::read_head(bool fresh_deadline) {
    if (fresh_deadline) arm(Clock::now() + cx_.config.head_timeout, Refusal::head_timeout);
    request_ = HttpRequest{http::verb::unknown, {}, {}, {}, {}, std::move(request_.remote_addr), false, {}};
    route_ = nullptr;
    responded_ = body_unread_ = false;
    scanner_.reset();
    head_parser_.emplace();
    head_parser_->header_limit(static_cast<std::uint32_t>(cx_.config.max_head_bytes + 2));
    head_parser_->eager(false);
    // The body's bound depends on the route (dispatch()). Not boost::none:
    // Beast 1.74 compares a Content-Length with it as `len > optional`, and
    // an empty optional is smaller than every length.
    head_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    whole_parser_.reset();
    stream_parser_.reset();
    scan_head();
}

// Scans what is buffered past what was scanned; reads more if the head is
// not complete yet. Bytes after the head (a body, a pipelined request) stay.
void HttpConnection::scan_head() {
    const auto* data = static_cast<const char*>(buffer_.data().data());
    const std::size_t scanned = scanner_.head_bytes();
    const auto verdict = scanner_.feed(std::string_view(data + scanned, buffer_.size() - scanned));
    if (verdict == HeadScanner::Verdict::complete) return parse_head(scanner_.head_bytes());
    if (auto why = head_refusal(verdict)) return refuse(*why, ApiError::head_too_large);
    when_readable(&HttpConnection::read_head_bytes);  // every buffered byte is scanned: more are needed
}

void HttpConnection::read_head_bytes() {
    auto space = buffer_.prepare(std::min(kHeadReadBytes, buffer_.max_size() - buffer_.size()));
    transport_.async_read_some(space, [self = shared_from_this()](const error_code& ec, std::size_t n) {
        if (ec) return self->close();
        self->buffer_.commit(n);
        self->scan_head();
    });
}

// RFC 9112 6.3: two Content-Length fields, or a list in one, make the body's
// end ambiguous between us and any proxy in front (request smuggling).
bool HttpConnection::content_length_ok() const {
    const auto& h = head_parser_->get();
    auto range = h.equal_range(http::field::content_length);
    const auto count = std::distance(range.first, range.second);
    return count == 0 || (count == 1 && range.first->value().find(',') == boost::beast::string_view::npos);
}

void HttpConnection::parse_head(std::size_t head_bytes) {
    disarm();
    error_code ec;
    head_parser_->put(asio::buffer(buffer_.data().data(), head_bytes), ec);
    buffer_.consume(head_bytes);
    if (ec == http::error::bad_content_length || (!ec && !content_length_ok()))
        return refuse(Refusal::bad_content_length, ApiError::bad_request);
    if (ec || !head_parser_->is_header_done()) {
        body_unread_ = true;
        return respond(error_response(ApiError::bad_request));
    }
    auto& h = head_parser_->get();
    request_.method = h.method();
    request_.headers = h.base();
    request_.plain = !tls_;
    split_target(std::string_view(h.target().data(), h.target().size()), request_);
    keep_alive_ = h.keep_alive();
    body_unread_ = !head_parser_->is_done();
    if (cluster_.listener && !admit_cluster_request()) return;
    dispatch();
}

void HttpConnection::dispatch() {
    route_ = find_route(request_.method, request_.path);
    if (!route_) return respond(error_response(ApiError::not_found));
    if (route_->streamed_body || head_parser_->is_done()) return invoke_handler();
    const auto length = head_parser_->content_length();
    if (length && *length > cx_.config.max_body_bytes)  // refused before a byte of it is read
        return refuse(Refusal::body_too_large, ApiError::body_too_large);
    whole_parser_.emplace(std::move(*head_parser_));
    whole_parser_->body_limit(cx_.config.max_body_bytes);
    body_start_ = Clock::now();
    send_continue([this] { read_whole_body(); });
}

// A body read whole must keep up with --min-body-rate after a grace of
// --head-timeout: the deadline moves on with every piece that arrives.
void HttpConnection::read_whole_body() {
    const std::size_t got = whole_parser_->get().body().size();
    const auto allowed = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(double(got + kRateSlackBytes) / double(std::max<std::size_t>(1, cx_.config.min_body_rate))));
    arm(body_start_ + cx_.config.head_timeout + allowed, Refusal::body_too_slow);
    http::async_read_some(transport_, buffer_, *whole_parser_,
                          [self = shared_from_this()](const error_code& ec, std::size_t) {
                              if (ec == http::error::body_limit)
                                  return self->refuse(Refusal::body_too_large, ApiError::body_too_large);
                              if (ec) {
                                  self->cx_.log.debug("http", "whole body: " + ec.message());
                                  return self->close();
                              }
                              if (!self->whole_parser_->is_done()) return self->read_whole_body();
                              self->disarm();
                              self->body_unread_ = false;
                              self->request_.body = std::move(self->whole_parser_->get().body());
                              self->invoke_handler();
                          });
}

// `Expect: 100-continue`: the client waits for this before sending its body.
void HttpConnection::send_continue(std::function<void()> then) {
    if (request_.header(http::field::expect) != "100-continue") return then();
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(transport_, asio::buffer(kContinue),
                      [self = shared_from_this(), then](const error_code& ec, std::size_t) {
                          if (ec) return self->close();
                          then();
                      });
}

void HttpConnection::invoke_handler() {
    try {
        route_->handle(cx_, Exchange(shared_from_this()));
    } catch (const std::exception& e) {
        const auto method = http::to_string(request_.method);
        cx_.log.write(LogLevel::error, "http",
                      std::string(method.data(), method.size()) + " " + request_.path + ": " + e.what());
        if (!responded_) respond(error_response(ApiError::internal));
    }
}

void HttpConnection::refuse(Refusal why, std::optional<ApiError> answer) {
    cx_.refusals.note(why, request_.remote_addr);
    body_unread_ = true;
    if (!answer) return close();
    respond(error_response(*answer));
}

void HttpConnection::respond(Response res) {
    if (responded_ || closed_) return;
    responded_ = true;
    const bool keep = keep_alive_ && !body_unread_ && res.keep_alive();
    res.version(11);
    res.keep_alive(keep);
    res.prepare_payload();
    auto sp = std::make_shared<Response>(std::move(res));
    begin_write();
    http::async_write(transport_, *sp, [self = shared_from_this(), sp, keep](const error_code& ec, std::size_t) {
        if (ec) return self->close();
        self->writing_ = false;
        self->after_response(keep);
    });
}

void HttpConnection::after_response(bool keep_alive) {
    if (keep_alive) return read_head(true);
    linger_close();
}

// Stop sending (FIN), drop what the client still sends, close at EOF or
// after kLinger or kLingerBytes.
void HttpConnection::linger_close() {
    if (closed_) return;
    error_code ignored;
    transport_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    arm(Clock::now() + kLinger, std::nullopt);
    piece_.resize(kHeadReadBytes);
    drain(0);
}

// Waits until bytes can be read, holding no read buffer meanwhile (buffer_
// shrinks to what it holds: at most a partial head or chunk line): an idle
// connection (most of them: heartbeats every 2 s) then costs its TLS state
// and little else.
void HttpConnection::when_readable(void (HttpConnection::*next)()) {
    buffer_.shrink_to_fit();
    piece_ = std::string();
    transport_.async_wait_readable([self = shared_from_this(), next](const error_code& ec) {
        if (ec) return self->close();
        ((*self).*next)();
    });
}

void HttpConnection::drain(std::size_t dropped) {
    if (closed_ || dropped > kLingerBytes) return close();
    // Below TLS on purpose: nothing of it is read any more.
    transport_.socket().async_read_some(asio::buffer(piece_), [self = shared_from_this(), dropped](const error_code& ec, std::size_t n) {
        if (ec) return self->close();
        self->drain(dropped + n);
    });
}

// ---- streamed request bodies (stream-mode uplinks) ----

void HttpConnection::consume(std::shared_ptr<BodySink> sink) {
    if (responded_ || closed_) return;
    sink_ = std::move(sink);
    stream_parser_.emplace(std::move(*head_parser_));
    head_parser_.reset();
    // The head lives on in request_; the parser's copy of its fields is not
    // read again (each field is a heap node of its own).
    stream_parser_->get().clear();
    // A stream: bounded per frame by wire::FrameParser (see read_head() for why not boost::none).
    stream_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_parser_->eager(true);  // each put() takes every chunk the buffer holds
    if (stream_parser_->is_done()) return finish_upload(true);
    watch_uplink(uplink_idle_timeout(cx_.config.heartbeat));
    send_continue([this] { read_body_piece(); });
}

// An uplink that sends nothing for uplink_idle_timeout is dropped. Watched
// lazily like writes: one timer per uplink that looks at the pending read's
// age, not a deadline set and cancelled around every read (every ping).
// Time spent waiting for room in the peer's inbox does not count.
void HttpConnection::watch_uplink(Clock::duration after) {
    const std::uint64_t gen = ++deadline_gen_;
    deadline_.expires_after(after);
    deadline_.async_wait([self = shared_from_this(), gen](const error_code& ec) {
        if (ec || gen != self->deadline_gen_ || self->closed_ || !self->sink_) return;
        const auto limit = uplink_idle_timeout(self->cx_.config.heartbeat);
        const auto waited = self->reading_ ? Clock::now() - self->read_since_ : Clock::duration::zero();
        if (waited >= limit) return self->close();
        self->watch_uplink(limit - waited);
    });
}

// Parses what is buffered into the next piece of the body; reads from the
// socket only when the parser needs more bytes, and waits for them holding
// no buffer (a chunk's trailing CRLF may stay buffered: 2 bytes).
void HttpConnection::read_body_piece() {
    reading_ = true;
    read_since_ = Clock::now();
    // No bigger than what can come out of the buffer: a ping's chunk is 50 bytes.
    piece_.resize(std::min(kPieceBytes, buffer_.size()));
    auto& body = stream_parser_->get().body();
    body.data = piece_.data();
    body.size = piece_.size();
    error_code ec;
    std::size_t got = 0;
    while (buffer_.size() > 0 && got == 0 && !ec && !stream_parser_->is_done()) {
        const std::size_t used = stream_parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec == http::error::need_buffer) ec = {};  // the piece is full
        got = piece_.size() - body.size;
        if (used == 0) break;
    }
    if (ec && ec != http::error::need_more) return finish_upload(false);
    if (got > 0 || stream_parser_->is_done()) return feed_piece(got);
    // While bulk flows the next record is (nearly) always there: read at once,
    // keeping the buffers, rather than free both, wait a reactor round for
    // readiness and allocate them again for every 16 KiB record.
    if (busy_) return read_body_bytes();
    when_readable(&HttpConnection::read_body_bytes);
}

void HttpConnection::read_body_bytes() {
    // Small unless more is known to come: when every uplink pings at once,
    // each holds a ~50-byte chunk, not a record's 16 KiB, until it is parsed.
    // A read that filled its buffer, or a busy uplink, reads a whole record
    // next. (Not sized by asking the socket: an ioctl per read.)
    const std::size_t want = busy_ || read_filled_ ? kPieceBytes : kSmallRead;
    transport_.async_read_some(buffer_.prepare(want), [self = shared_from_this(), want](const error_code& ec, std::size_t n) {
        if (ec || !self->sink_) return self->finish_upload(false);  // EOF too: the body broke off
        self->busy_ = n >= kPieceBytes / 2;  // a ping's chunk is ~50 bytes; a bulk record 16 KiB
        self->read_filled_ = n == want;
        self->buffer_.commit(n);
        self->read_body_piece();
    });
}

void HttpConnection::feed_piece(std::size_t got) {
    reading_ = false;
    const bool done = stream_parser_->is_done();
    std::weak_ptr<HttpConnection> weak = shared_from_this();
    sink_->feed(std::string_view(piece_.data(), got), [weak, done](bool more) {
        if (auto s = weak.lock()) s->on_fed(more, done);
    });
}

void HttpConnection::on_fed(bool more, bool done) {
    if (closed_ || !sink_) return;
    if (!more) return finish_upload(false);
    if (done) return finish_upload(true);
    read_body_piece();
}

void HttpConnection::finish_upload(bool complete) {
    if (!sink_) return close();
    body_unread_ = !complete;
    auto sink = std::move(sink_);
    respond(sink->answer(complete));
}

// ---- streamed responses (stream-mode downlinks) ----

void HttpConnection::stream(Response head, std::shared_ptr<ChunkSource> source) {
    if (responded_ || closed_) {
        source->finished();
        return;
    }
    responded_ = true;
    source_ = std::move(source);
    head_parser_.reset();  // the head lives on in request_ (see consume())
    // The stream ends the connection: while it runs, the only read is the
    // hang-up watch below, which then also drains what the client sends.
    head.version(11);
    head.keep_alive(false);
    head.chunked(true);
    stream_head_ = std::make_shared<Response>(std::move(head));
    stream_serializer_ = std::make_shared<http::response_serializer<http::string_body>>(*stream_head_);
    begin_write();
    http::async_write_header(transport_, *stream_serializer_, [self = shared_from_this()](const error_code& ec, std::size_t) {
        if (ec) return self->close();
        self->writing_ = false;
        self->watch_hangup();
        self->write_chunk({});
    });
}

// Pulls the next piece from the source and sends it as a chunk; an empty
// piece (from the source) ends the stream. `bytes` empty: just pull.
void HttpConnection::write_chunk(std::string bytes) {
    if (closed_ || !source_) return;
    if (bytes.empty()) {
        std::weak_ptr<HttpConnection> weak = shared_from_this();
        return source_->next([weak](std::string b) {
            auto self = weak.lock();
            if (!self || self->closed_) return;
            if (b.empty()) return self->end_stream();
            self->write_chunk(std::move(b));
        });
    }
    begin_write();
    auto done = [self = shared_from_this()](const error_code& ec, std::size_t) {
        self->chunk_body_ = std::string();  // a big batch is not kept while idle
        if (ec) return self->close();
        self->writing_ = false;
        self->write_chunk({});
    };
    // One write at a time per connection: the bytes live in members until
    // it completes (no shared_ptr per chunk). A small chunk (every pong and
    // ping) goes out as one contiguous buffer, size line and CRLF included:
    // one SSL_write, no gathering copy in Transport. A big one keeps
    // Beast's three-part chunk and is not copied.
    if (bytes.size() <= kSmallChunk) {
        frame_chunk(bytes, chunk_out_);
        return asio::async_write(transport_, asio::buffer(chunk_out_), std::move(done));
    }
    chunk_body_ = std::move(bytes);
    asio::async_write(transport_, http::make_chunk(asio::buffer(chunk_body_)), std::move(done));
}

void HttpConnection::end_stream() {
    auto source = std::move(source_);
    if (source) source->finished();
    begin_write();
    asio::async_write(transport_, http::make_chunk_last(), [self = shared_from_this()](const error_code& ec, std::size_t) {
        if (ec) return self->close();
        self->writing_ = false;
        error_code ignored;
        self->transport_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        self->arm(Clock::now() + kLinger, std::nullopt);  // the hang-up watch reads until the client closes
    });
}

// A downlink client sends nothing after its request: a completed read means
// it closed (EOF, TLS close_notify) or reset the connection, noticed at once.
// Bytes it does send are dropped.
void HttpConnection::watch_hangup() {
    buffer_.consume(buffer_.size());
    when_readable(&HttpConnection::read_hangup);
}

void HttpConnection::read_hangup() {
    piece_.resize(512);
    transport_.async_read_some(asio::buffer(piece_), [self = shared_from_this()](const error_code& ec, std::size_t) {
        if (ec) return self->close();
        self->watch_hangup();
    });
}

// ---- Exchange ----

const HttpRequest& Exchange::request() const { return c_->request(); }
asio::any_io_executor Exchange::executor() const { return c_->executor(); }

void Exchange::respond(Response res) {
    if (signer_) {
        const int status = static_cast<int>(res.result_int());
        res.set("X-Tether-Auth", e2e::format_response_auth(e2e::response_mac(signer_->key->key(), signer_->seq,
                                                                             status, res.body())));
    }
    auto c = c_;
    auto r = std::make_shared<Response>(std::move(res));
    asio::dispatch(c->executor(), [c, r] { c->respond(std::move(*r)); });
}

void Exchange::stream(Response head, std::shared_ptr<ChunkSource> source) {
    auto c = c_;
    auto h = std::make_shared<Response>(std::move(head));
    asio::dispatch(c->executor(), [c, h, source] { c->stream(std::move(*h), source); });
}

void Exchange::consume(std::shared_ptr<BodySink> sink) {
    auto c = c_;
    asio::dispatch(c->executor(), [c, sink] { c->consume(sink); });
}

void Exchange::authenticated() { c_->authenticated(); }

void Exchange::forward(std::string node, std::string addr) {
    auto c = c_;
    asio::dispatch(c->executor(), [c, node = std::move(node), addr = std::move(addr)]() mutable {
        c->forward(std::move(node), std::move(addr));
    });
}

void Exchange::sign_responses(std::shared_ptr<SideKey> key, std::uint64_t seq) {
    signer_ = std::make_shared<const Signer>(Signer{std::move(key), seq});
}

Response json_response(int status, std::string body) {
    Response res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(body);
    return res;
}

Response error_response(ApiError e) { return json_response(describe(e).status, error_json(e)); }

}  // namespace relay
