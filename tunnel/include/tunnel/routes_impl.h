// Template part of tunnel/routes.h.
#pragma once

#include "session/first_working_route.h"

namespace tunnel {

template <typename T>
T first_working_route(proxydetect::Detector& detector, const RoutePlan& plan,
                      const std::function<T(const Route&)>& attempt) {
    return session::first_working_route<T>(detector, plan, attempt);
}

}  // namespace tunnel
