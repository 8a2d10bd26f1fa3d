// Everything proxydetect knows about the machine comes through these
// interfaces, so that tests run with fakes (fakes.h) and the real
// implementations (system.h) stay small. Pattern: Chromium
// net/proxy_resolution/proxy_config_service_linux.h.
//
// Threading: the Detector serialises all calls; implementations need not be
// thread-safe. None of them may throw for "not found": that is a normal
// answer (nullopt / empty).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace proxydetect {

class Environment {
public:
    virtual ~Environment() = default;
    // nullopt when the variable is unset. (Empty values are returned as "";
    // the detector treats them as unset.)
    virtual std::optional<std::string> get(const std::string& name) const = 0;
};

class FileSystem {
public:
    virtual ~FileSystem() = default;
    // Whole file content, or nullopt when it does not exist or cannot be
    // read (then *error, if given, says why).
    virtual std::optional<std::string> read(const std::string& path,
                                            std::string* error = nullptr) const = 0;
};

class Resolver {
public:
    virtual ~Resolver() = default;
    // Numeric addresses of `host` (IPv4 and IPv6, resolver order); empty
    // when the name does not resolve.
    virtual std::vector<std::string> resolve(const std::string& host) = 0;
    // The same, giving up after `budget` (what is left of a PAC run's wall
    // time): empty when no answer came in time. Fakes answer at once.
    virtual std::vector<std::string> resolve_within(const std::string& host, std::chrono::milliseconds budget) {
        (void)budget;
        return resolve(host);
    }
};

struct HttpResponse {
    bool ok = false;    // true: a complete 2xx response within the limits
    int status = 0;     // HTTP status, 0 when no response
    std::string body;
    std::string error;  // why !ok, for the trace
};

class HttpFetcher {
public:
    virtual ~HttpFetcher() = default;
    // GET `url` directly (never through a proxy: this fetches PAC scripts).
    // `timeout` bounds the whole exchange; bodies over `max_bytes` fail.
    virtual HttpResponse get(const std::string& url, std::chrono::milliseconds timeout,
                             std::size_t max_bytes) = 0;
};

class CommandRunner {
public:
    virtual ~CommandRunner() = default;
    // Runs argv[0] (looked up in PATH) and returns its stdout when it exits
    // with status 0; nullopt otherwise (not installed, failed).
    virtual std::optional<std::string> run(const std::vector<std::string>& argv) = 0;
};

class NetworkInfo {
public:
    virtual ~NetworkInfo() = default;
    // Local addresses in PAC myIpAddress order: first the source address
    // the routing table picks for the default route (IPv4 then IPv6), then
    // the other non-loopback interface addresses. Empty when offline.
    virtual std::vector<std::string> local_addresses() = 0;
    // DNS search domains (resolv.conf `search`/`domain`), most specific first.
    virtual std::vector<std::string> search_domains() = 0;
    // PAC URLs the DHCP server offered (WPAD via DHCP, option 252), newest
    // lease first: Linux reads the DHCP clients' lease files (wpad.h),
    // Windows asks WinHTTP (DHCP only). None by default.
    virtual std::vector<std::string> dhcp_wpad_urls() { return {}; }
};

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::chrono::steady_clock::time_point now() const = 0;
};

}  // namespace proxydetect
