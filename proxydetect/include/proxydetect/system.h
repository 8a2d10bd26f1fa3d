// The real implementations of the world.h interfaces (Linux / POSIX).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "proxydetect/world.h"

namespace proxydetect {

std::unique_ptr<Environment> make_system_environment();
std::unique_ptr<FileSystem> make_system_files();
// getaddrinfo, after the `overrides` table (exact, normalised host names).
std::unique_ptr<Resolver> make_system_resolver(
    std::map<std::string, std::vector<std::string>> overrides = {});
// cpp-httplib client. Names are resolved through `dns`, which must outlive
// the fetcher (both live in one World). https verifies with the system CAs.
std::unique_ptr<HttpFetcher> make_system_http(Resolver& dns);
std::unique_ptr<CommandRunner> make_system_commands();
// Route-based addresses (UDP connect, no packet sent) + getifaddrs;
// search domains from /etc/resolv.conf unless `search_override` is given.
std::unique_ptr<NetworkInfo> make_system_network(std::vector<std::string> search_override = {});
std::unique_ptr<Clock> make_system_clock();

// resolv.conf `search` and `domain` lines; the last one wins, as in libc.
std::vector<std::string> parse_resolv_conf_search(const std::string& text);

}  // namespace proxydetect
