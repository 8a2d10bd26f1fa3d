// Trying the ways to the relay in order, one rule for both platforms
// (tunnel/routes.h on Linux, winnet/routes.h on Windows). A template so that
// session/ needs neither proxydetect nor a platform's route type:
//   Plan:     .blocked (why nothing may be tried, or ""), .routes (in order)
//   Route:    .candidate (what `detector` knows it by)
//   Detector: mark_failed(candidate), mark_succeeded(candidate)
// A route whose attempt throws a non-fatal CarrierError (proxy down, no
// answer) is marked failed and the next is tried; a fatal error (CONNECT
// refused, bad credentials) is rethrown at once, since another route would
// hide a problem the admin must see. The last error is rethrown when all fail.
#pragma once

#include "session/carrier.h"

namespace session {

template <typename T, typename Detector, typename Plan, typename Attempt>
T first_working_route(Detector& detector, const Plan& plan, const Attempt& attempt) {
    if (!plan.blocked.empty()) throw CarrierError(plan.blocked, true);
    if (plan.routes.empty()) throw CarrierError("no way to reach the relay was found", true);
    for (std::size_t i = 0;; ++i) {
        const auto& r = plan.routes[i];
        try {
            T result = attempt(r);
            detector.mark_succeeded(r.candidate);
            return result;
        } catch (const CarrierError& e) {
            if (e.fatal || i + 1 == plan.routes.size()) throw;
            detector.mark_failed(r.candidate);
        }
    }
}

}  // namespace session
