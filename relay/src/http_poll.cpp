// Poll mode (docs/PROTOCOL.md section 3): bounded requests for networks whose
// proxies buffer or scan streamed bodies. POST /v1/poll/up carries whole
// frames with a Content-Length; GET /v1/poll/down?wait=S returns queued
// frames (numbered by X-Tether-Seq) or a ping(0) after S seconds. A waiting
// poll holds no thread: a timer and an inbox waker on its connection's strand.
#include <boost/asio/steady_timer.hpp>

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

long wait_seconds(const HttpRequest& req) {
    auto it = req.params.find("wait");
    if (it == req.params.end()) return kMaxWaitSeconds;
    try {
        return std::clamp(std::stol(it->second), 0L, kMaxWaitSeconds);
    } catch (const std::exception&) {
        return kMaxWaitSeconds;
    }
}

// One waiting GET /v1/poll/down: counts as the side's presence until answered.
class PollWait : public std::enable_shared_from_this<PollWait> {
public:
    PollWait(HttpContext& cx, Endpoint ep, Exchange ex)
        : cx_(cx), ep_(std::move(ep)), ex_(std::move(ex)), timer_(ex_.executor()),
          generation_(ep_.session->attach_poller(ep_.side)) {}
    ~PollWait() {
        if (!answered_) ep_.session->detach_poller(ep_.side);
    }

    // The timer's handler owns the wait until it is answered.
    void start(std::chrono::seconds wait) {
        timer_.expires_after(wait);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->try_answer(true);
        });
        try_answer(false);
    }

private:
    void try_answer(bool last_chance) {
        if (answered_) return;
        std::vector<wire::Frame> frames;
        auto seq = ep_.session->try_poll(ep_.side, generation_, frames, kMaxPollBatch, last_chance);
        if (!seq && !watching_) {
            watching_ = true;
            ep_.session->watch_inbox(ep_.side, post_to(ex_.executor(), weak_from_this(), [](PollWait& p) {
                                         p.watching_ = false;
                                         p.try_answer(false);
                                     }));
            seq = ep_.session->try_poll(ep_.side, generation_, frames, kMaxPollBatch, last_chance);
        }
        if (!seq) return;
        answered_ = true;
        timer_.cancel();
        ep_.session->detach_poller(ep_.side);
        answer(frames, *seq);
    }

    void answer(const std::vector<wire::Frame>& frames, std::uint64_t seq) {
        if (frames.empty() && ep_.session->ended()) return ex_.respond(error_response(ApiError::ended_session));
        Response res{http::status::ok, 11};
        res.body() = encode_frames(frames);
        if (frames.empty()) wire::append_u64_frame(res.body(), wire::FrameType::ping, 0);
        res.set("X-Tether-Seq", std::to_string(seq));
        res.set(http::field::cache_control, "no-store");
        res.set(http::field::content_type, "application/octet-stream");
        ex_.respond(std::move(res));
    }

    HttpContext& cx_;
    Endpoint ep_;
    Exchange ex_;
    boost::asio::steady_timer timer_;
    const std::uint64_t generation_;  // of the side's downlinks when this poll came
    bool watching_ = false, answered_ = false;
};

}  // namespace

void poll_up(HttpContext& cx, Exchange ex) {
    auto ep = authenticate(cx, ex);
    if (!ep) return;
    auto pump = std::make_shared<UplinkPump>(cx, *ep, ex.executor(), kUpDeadline, 204);
    pump->feed_whole(ex.request().body, [ex, pump](bool) mutable { ex.respond(pump->answer(true)); });
}

void poll_down(HttpContext& cx, Exchange ex) {
    auto ep = authenticate(cx, ex);
    if (!ep) return;
    const auto wait = std::chrono::seconds(wait_seconds(ex.request()));
    auto poll = std::make_shared<PollWait>(cx, *ep, ex);
    poll->start(wait);
}

}  // namespace relay
