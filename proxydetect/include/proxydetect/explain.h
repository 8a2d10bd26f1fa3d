// Rendering a Decision for the admin (text) and for support tickets (JSON).
// Neither contains passwords.
#pragma once

#include <string>

#include "proxydetect/detector.h"

namespace proxydetect {

std::string explain_text(const Decision& d);
std::string explain_json(const Decision& d, int indent = 2);

}  // namespace proxydetect
