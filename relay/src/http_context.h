// What the HTTP handlers share: the core objects they adapt. Internal to relay/.
#pragma once

#include <httplib.h>

#include <optional>

#include "relay/capture.h"
#include "relay/config.h"
#include "relay/errors.h"
#include "relay/log.h"
#include "relay/metrics.h"
#include "relay/rate_limiter.h"
#include "relay/session_directory.h"

namespace relay {

struct HttpContext {
    const Config& config;
    Log& log;
    Metrics& metrics;
    SessionDirectory& directory;
    RateLimiter& limiter;         // join attempts
    RateLimiter& create_limiter;  // session creations
    Capture& capture;
};

void send_error(httplib::Response& res, ApiError e);
// The endpoint named by `Authorization: Bearer <token>`, or nullopt after
// answering 401/410 on `res`.
std::optional<Endpoint> authenticate(HttpContext& cx, const httplib::Request& req, httplib::Response& res);

void register_api(HttpContext& cx, httplib::Server& server);     // sessions, join
void register_stream(HttpContext& cx, httplib::Server& server);  // /v1/stream/*
void register_poll(HttpContext& cx, httplib::Server& server);    // /v1/poll/*
void register_ops(HttpContext& cx, httplib::Server& server);     // /healthz, /metrics

}  // namespace relay
