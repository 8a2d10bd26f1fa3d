// Template part of tunnel/routes.h.
#pragma once

#include "session/first_working_route.h"

namespace tunnel {

template <typename T>
T first_working_route(proxydetect::Detector& detector, const RoutePlan& plan,
                      const std::function<T(const Route&)>& attempt) {
    RoutePlan first = plan, fallback = plan;
    first.routes.clear();
    fallback.routes.clear();
    for (const Route& r : plan.routes) (r.plain_fallback ? fallback : first).routes.push_back(r);
    if (first.routes.empty()) return session::first_working_route<T>(detector, fallback, attempt);
    try {
        return session::first_working_route<T>(detector, first, attempt);
    } catch (const session::CarrierError& e) {
        if (!e.connect_refused || fallback.routes.empty()) throw;
        return session::first_working_route<T>(detector, fallback, attempt);
    }
}

}  // namespace tunnel
