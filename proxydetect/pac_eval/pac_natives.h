// Pure helpers behind the native PAC functions (no duktape here), so that
// they are easy to read and to test.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pac {

// 4 for an IPv4 literal, 6 for an IPv6 literal, 0 otherwise.
int ip_family(const std::string& text);

// isInNetEx(ip, "prefix/len"): false when either side is malformed or the
// families differ.
bool ip_in_prefix(const std::string& ip, const std::string& prefix);

// sortIpAddressList("a;b;c"): IPv6 addresses first, then IPv4, each in
// ascending numeric order (the Microsoft IPv6 PAC extension, as Chromium).
// nullopt when the list is empty or holds something that is not an address.
std::optional<std::string> sort_ip_list(const std::string& list);

std::string join(const std::vector<std::string>& items, const std::string& sep);

}  // namespace pac
