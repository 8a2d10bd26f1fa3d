// Poll mode (docs/PROTOCOL.md section 3, issue 3): not yet; answers 501.
#include "http_context.h"

namespace relay {

void register_poll(HttpContext& cx, httplib::Server& server) {
    using namespace httplib;
    auto not_yet = [](const Request&, Response& res) {
        res.status = 501;
        res.set_content(R"({"error":"not_implemented","message":"Poll mode is not implemented yet."})",
                        "application/json");
    };
    server.Post("/v1/poll/up", not_yet);
    server.Get("/v1/poll/down", not_yet);
}

}  // namespace relay
