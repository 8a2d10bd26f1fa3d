// Stream mode (docs/PROTOCOL.md section 3): one long-lived chunked GET per
// side carries frames to the endpoint, one long-lived chunked POST carries
// frames from it. Each request holds one thread (thread-per-connection).
#include <memory>

#include "connection_fd.h"
#include "http_context.h"
#include "stream_pumps.h"

namespace relay {
namespace {

void open_downlink(HttpContext& cx, const httplib::Request& req, httplib::Response& res) {
    auto ep = authenticate(cx, req, res);
    if (!ep) return;
    auto pump = std::make_shared<DownlinkPump>(cx, *ep, connection_fd(req));
    res.set_header("Cache-Control", "no-store");
    res.set_chunked_content_provider(
        "application/octet-stream",
        [pump](std::size_t, httplib::DataSink& sink) { return pump->step(sink); },
        [pump](bool) { pump->release(); });
}

void open_uplink(HttpContext& cx, const httplib::Request& req, httplib::Response& res,
                 const httplib::ContentReader& read) {
    auto ep = authenticate(cx, req, res);
    if (!ep) {
        res.set_header("Connection", "close");  // the unread body would desynchronise the connection
        return;
    }
    UplinkPump pump(cx, *ep);
    const bool complete = read([&](const char* data, std::size_t len) { return pump.feed(data, len); });
    pump.answer(res, complete);
}

// Stream-mode probe of a side in poll mode (`?probe=1` on both requests,
// docs/PROTOCOL.md): the uplink may carry only pings, whose pongs go to this
// downlink only. Neither touches the side's presence or its poll delivery.
// A probe lives a few seconds; the downlink ends when the endpoint hangs up
// or after kProbeMaxLife.
constexpr std::chrono::seconds kProbeMaxLife{30};

void open_probe_downlink(HttpContext& cx, const httplib::Request& req, httplib::Response& res) {
    auto ep = authenticate(cx, req, res);
    if (!ep) return;
    auto queue = ep->session->open_probe(ep->side);
    const int fd = connection_fd(req);
    const auto until = SteadyClock::now() + kProbeMaxLife;
    cx.log.debug(session_prefix(ep->session->short_id()), std::string(side_name(ep->side)) + " stream probe");
    res.set_header("Cache-Control", "no-store");
    res.set_chunked_content_provider(
        "application/octet-stream", [queue, fd, until](std::size_t, httplib::DataSink& sink) {
            std::vector<wire::Frame> frames;
            if (queue->pop(frames, kMaxDownlinkBatch, std::chrono::milliseconds(250), [] { return false; }) ==
                PopResult::frames) {
                const std::string bytes = encode_frames(frames);
                return sink.write(bytes.data(), bytes.size());
            }
            if (peer_hung_up(fd) || SteadyClock::now() >= until) sink.done();
            return true;
        });
}

void open_probe_uplink(HttpContext& cx, const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader& read) {
    auto ep = authenticate(cx, req, res);
    if (!ep) {
        res.set_header("Connection", "close");
        return;
    }
    wire::FrameParser parser;
    bool malformed = false;
    const bool complete = read([&](const char* data, std::size_t len) {
        try {
            parser.feed(data, len);
            wire::Frame f;
            while (parser.next(f)) {
                if (f.type != wire::FrameType::ping) throw wire::ProtocolError("a probe may only ping");
                wire::payload_u64(f);  // validates the length
                ep->session->probe_reply(ep->side, wire::Frame{wire::FrameType::pong, std::move(f.payload)});
            }
            return !ep->session->ended();
        } catch (const wire::ProtocolError&) {
            malformed = true;
            return false;
        }
    });
    if (malformed) {
        ++cx.metrics.protocol_errors;
        send_error(res, ApiError::protocol_error);
        res.set_header("Connection", "close");
    } else if (!complete) {
        res.status = 400;  // the body broke off: nobody reads this answer
        res.set_header("Connection", "close");
    }
}

}  // namespace

void register_stream(HttpContext& cx, httplib::Server& server) {
    using namespace httplib;
    server.Get("/v1/stream/down", [&cx](const Request& q, Response& r) {
        if (q.has_param("probe")) return open_probe_downlink(cx, q, r);
        open_downlink(cx, q, r);
    });
    server.Post("/v1/stream/up", [&cx](const Request& q, Response& r, const ContentReader& read) {
        if (q.has_param("probe")) return open_probe_uplink(cx, q, r, read);
        open_uplink(cx, q, r, read);
    });
}

}  // namespace relay
