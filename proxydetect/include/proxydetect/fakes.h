// Fakes of the world.h interfaces for tests (and for `explain` dry runs).
// Plain structs with public maps: set what the test needs, read what the
// code under test did.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proxydetect/system_proxy.h"
#include "proxydetect/world.h"

namespace proxydetect::fake {

struct Environment : proxydetect::Environment {
    std::map<std::string, std::string> vars;
    std::optional<std::string> get(const std::string& name) const override;
};

struct FileSystem : proxydetect::FileSystem {
    std::map<std::string, std::string> files;
    std::optional<std::string> read(const std::string& path, std::string* error) const override;
};

struct Resolver : proxydetect::Resolver {
    std::map<std::string, std::vector<std::string>> names;
    std::vector<std::string> asked;  // every name looked up, in order
    std::vector<std::string> resolve(const std::string& host) override;
};

struct HttpFetcher : proxydetect::HttpFetcher {
    std::map<std::string, std::string> bodies;  // url -> body (200)
    std::vector<std::string> fetched;
    HttpResponse get(const std::string& url, std::chrono::milliseconds timeout,
                     std::size_t max_bytes) override;
};

struct CommandRunner : proxydetect::CommandRunner {
    // Joined argv (space separated) -> stdout. Missing = command failed.
    std::map<std::string, std::string> outputs;
    std::optional<std::string> run(const std::vector<std::string>& argv) override;
};

struct NetworkInfo : proxydetect::NetworkInfo {
    std::vector<std::string> addresses;
    std::vector<std::string> domains;
    std::vector<std::string> dhcp_wpad;  // option 252 URLs
    std::vector<std::string> local_addresses() override { return addresses; }
    std::vector<std::string> search_domains() override { return domains; }
    std::vector<std::string> dhcp_wpad_urls() override { return dhcp_wpad; }
};

struct Clock : proxydetect::Clock {
    std::chrono::steady_clock::time_point t{};
    std::chrono::steady_clock::time_point now() const override { return t; }
};

struct SystemProxySource : proxydetect::SystemProxySource {
    SystemProxySettings settings;
    std::string name() const override { return "fake desktop"; }
    SystemProxySettings read(const SystemContext&) override { return settings; }
};

}  // namespace proxydetect::fake
