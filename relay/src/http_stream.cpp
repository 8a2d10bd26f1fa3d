// Stream mode (docs/PROTOCOL.md section 3): one long-lived chunked GET per
// side carries frames to the endpoint, one long-lived chunked POST carries
// frames from it. Neither holds a thread: the pumps wait on the session's
// queues through wakers (stream_pumps.h).
#include <boost/asio/steady_timer.hpp>

#include "http_context.h"
#include "stream_pumps.h"

namespace relay {
namespace {

// Stream-mode probe of a side in poll mode (`?probe=1` on both requests,
// docs/PROTOCOL.md): the uplink may carry only pings, whose pongs go to this
// downlink only. Neither touches the side's presence or its poll delivery.
// A probe lives a few seconds; the downlink ends when the endpoint hangs up
// or after kProbeMaxLife.
constexpr std::chrono::seconds kProbeMaxLife{30};

class ProbeDownlink : public ChunkSource, public std::enable_shared_from_this<ProbeDownlink> {
public:
    ProbeDownlink(std::shared_ptr<FrameQueue> queue, boost::asio::any_io_executor strand)
        : queue_(std::move(queue)), strand_(strand), life_(strand) {}

    void next(std::function<void(std::string)> give) override {
        give_ = std::move(give);
        if (!life_started_) start_life();
        try_give();
    }
    void finished() override {
        give_ = nullptr;
        life_.cancel();
    }

private:
    void start_life() {
        life_started_ = true;
        life_.expires_after(kProbeMaxLife);
        life_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (ec || !self) return;
            self->over_ = true;
            self->try_give();
        });
    }
    void try_give() {
        if (!give_) return;
        std::vector<wire::Frame> frames;
        PopResult r = over_ ? PopResult::closed : queue_->try_pop(frames, kMaxDownlinkBatch);
        if (r == PopResult::empty && !watching_) {
            watching_ = true;
            queue_->on_change(post_to(strand_, weak_from_this(), [](ProbeDownlink& p) {
                p.watching_ = false;
                p.try_give();
            }));
            r = queue_->try_pop(frames, kMaxDownlinkBatch);
        }
        if (r == PopResult::empty) return;
        auto give = std::move(give_);
        give_ = nullptr;
        give(r == PopResult::frames ? encode_frames(frames) : std::string());
    }

    std::shared_ptr<FrameQueue> queue_;
    boost::asio::any_io_executor strand_;
    boost::asio::steady_timer life_;
    std::function<void(std::string)> give_;
    bool life_started_ = false, over_ = false, watching_ = false;
};

// The probe's uplink: pings only, each answered on the probe's downlink.
class ProbeUplink : public BodySink {
public:
    explicit ProbeUplink(Endpoint ep, Metrics& metrics) : ep_(std::move(ep)), metrics_(metrics) {}
    void feed(std::string_view data, std::function<void(bool)> resume) override {
        try {
            parser_.feed(data.data(), data.size());
            wire::Frame f;
            while (parser_.next(f)) {
                if (f.type != wire::FrameType::ping) throw wire::ProtocolError("a probe may only ping");
                wire::payload_u64(f);  // validates the length
                ep_.session->probe_reply(ep_.side, wire::Frame{wire::FrameType::pong, std::move(f.payload)});
            }
            resume(!ep_.session->ended());
        } catch (const wire::ProtocolError&) {
            malformed_ = true;
            ++metrics_.protocol_errors;
            resume(false);
        }
    }
    Response answer(bool complete) override {
        if (malformed_) return error_response(ApiError::protocol_error);
        Response res{complete ? http::status::ok : http::status::bad_request, 11};
        return res;
    }

private:
    Endpoint ep_;
    Metrics& metrics_;
    wire::FrameParser parser_;
    bool malformed_ = false;
};

Response stream_head() {
    Response head{http::status::ok, 11};
    head.set(http::field::content_type, "application/octet-stream");
    head.set(http::field::cache_control, "no-store");
    return head;
}

}  // namespace

void stream_down(HttpContext& cx, Exchange ex) {
    auto ep = authenticate(cx, ex);
    if (!ep) return;
    if (ex.request().has_param("probe")) {
        cx.log.debug(session_prefix(ep->session->short_id()), std::string(side_name(ep->side)) + " stream probe");
        return ex.stream(stream_head(), std::make_shared<ProbeDownlink>(ep->session->open_probe(ep->side), ex.executor()));
    }
    ex.stream(stream_head(), std::make_shared<DownlinkPump>(cx, *ep, ex.executor()));
}

void stream_up(HttpContext& cx, Exchange ex) {
    auto ep = authenticate(cx, ex);  // on failure the unread body closes the connection
    if (!ep) return;
    if (ex.request().has_param("probe")) return ex.consume(std::make_shared<ProbeUplink>(*ep, cx.metrics));
    ex.consume(std::make_shared<UplinkPump>(cx, *ep, ex.executor()));
}

}  // namespace relay
