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

}  // namespace

void register_stream(HttpContext& cx, httplib::Server& server) {
    using namespace httplib;
    server.Get("/v1/stream/down", [&cx](const Request& q, Response& r) { open_downlink(cx, q, r); });
    server.Post("/v1/stream/up", [&cx](const Request& q, Response& r, const ContentReader& read) {
        open_uplink(cx, q, r, read);
    });
}

}  // namespace relay
