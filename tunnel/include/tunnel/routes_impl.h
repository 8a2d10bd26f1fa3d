// Template part of tunnel/routes.h.
#pragma once

#include <stdexcept>

#include "session/carrier.h"

namespace tunnel {

template <typename T>
T first_working_route(proxydetect::Detector& detector, const RoutePlan& plan,
                      const std::function<T(const Route&)>& attempt) {
    if (!plan.blocked.empty()) throw session::CarrierError(plan.blocked, true);
    if (plan.routes.empty()) throw session::CarrierError("no way to reach the relay was found", true);
    for (std::size_t i = 0;; ++i) {
        const Route& r = plan.routes[i];
        try {
            T result = attempt(r);
            detector.mark_succeeded(r.candidate);
            return result;
        } catch (const session::CarrierError& e) {
            if (e.fatal || i + 1 == plan.routes.size()) throw;
            detector.mark_failed(r.candidate);
        }
    }
}

}  // namespace tunnel
