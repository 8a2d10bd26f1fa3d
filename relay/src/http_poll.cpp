// Poll mode (docs/PROTOCOL.md section 3): bounded requests for networks whose
// proxies buffer or scan streamed bodies. POST /v1/poll/up carries whole
// frames with a Content-Length; GET /v1/poll/down?wait=S returns queued
// frames (numbered by X-Tether-Seq) or a ping(0) after S seconds.
#include <algorithm>

#include "http_context.h"
#include "stream_pumps.h"

namespace relay {
namespace {

// Longest long-poll (s): inside the ~30 s that proxies commonly allow.
constexpr long kMaxWaitSeconds = 25;
// A poll-up waits at most this long for room in the peer's inbox, then 503.
constexpr std::chrono::seconds kUpDeadline{20};
// Bytes of frames per poll answer (whole frames; one frame may exceed it).
constexpr std::size_t kMaxPollBatch = 1 << 20;

long wait_seconds(const httplib::Request& req) {
    if (!req.has_param("wait")) return kMaxWaitSeconds;
    try {
        return std::clamp(std::stol(req.get_param_value("wait")), 0L, kMaxWaitSeconds);
    } catch (const std::exception&) {
        return kMaxWaitSeconds;
    }
}

void poll_up(HttpContext& cx, const httplib::Request& req, httplib::Response& res) {
    auto ep = authenticate(cx, req, res);
    if (!ep) return;
    UplinkPump pump(cx, *ep, SteadyClock::now() + kUpDeadline);
    pump.feed_whole(req.body);
    pump.answer(res, true, 204);
}

// Counts the request as the side's presence while it waits.
struct PollerGuard {
    PollerGuard(Session& s, Side side) : session(s), side(side) { session.attach_poller(side); }
    ~PollerGuard() { session.detach_poller(side); }
    Session& session;
    Side side;
};

void poll_down(HttpContext& cx, const httplib::Request& req, httplib::Response& res) {
    auto ep = authenticate(cx, req, res);
    if (!ep) return;
    std::vector<wire::Frame> frames;
    std::uint64_t seq;
    {
        PollerGuard present(*ep->session, ep->side);
        seq = ep->session->poll_for(ep->side, frames, kMaxPollBatch, std::chrono::seconds(wait_seconds(req)));
    }
    if (frames.empty() && ep->session->ended()) return send_error(res, ApiError::ended_session);
    std::string body = encode_frames(frames);
    if (frames.empty()) wire::append_u64_frame(body, wire::FrameType::ping, 0);
    res.set_header("X-Tether-Seq", std::to_string(seq));
    res.set_header("Cache-Control", "no-store");
    res.set_content(body, "application/octet-stream");
}

}  // namespace

void register_poll(HttpContext& cx, httplib::Server& server) {
    using namespace httplib;
    server.Post("/v1/poll/up", [&cx](const Request& q, Response& r) { poll_up(cx, q, r); });
    server.Get("/v1/poll/down", [&cx](const Request& q, Response& r) { poll_down(cx, q, r); });
}

}  // namespace relay
