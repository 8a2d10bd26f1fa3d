// Operator endpoints: /healthz and /metrics.
#include "http_context.h"

namespace relay {

void register_ops(HttpContext& cx, httplib::Server& server) {
    using namespace httplib;
    server.Get("/healthz", [](const Request&, Response& res) { res.set_content("ok\n", "text/plain"); });
    server.Get("/metrics", [&cx](const Request&, Response& res) {
        res.set_content(cx.metrics.render(cx.directory.counts()), "text/plain; version=0.0.4");
    });
}

}  // namespace relay
