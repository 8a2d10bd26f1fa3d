// The real resolvers' common part (internal): curl --resolve-style
// overrides, then the platform's lookup run aside with a time budget, since
// getaddrinfo has no timeout of its own (a dead DNS server costs timeout x
// attempts x servers) and a PAC's dnsResolve must not eat the wall budget.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "proxydetect/world.h"

namespace proxydetect {

class BoundedResolver : public Resolver {
public:
    // Numeric addresses of a host, or empty; may block.
    using Lookup = std::vector<std::string> (*)(const std::string& host);
    BoundedResolver(std::map<std::string, std::vector<std::string>> overrides, Lookup lookup)
        : overrides_(std::move(overrides)), lookup_(lookup) {}
    std::vector<std::string> resolve(const std::string& host) override;
    // At most min(budget, kLookupBudget).
    std::vector<std::string> resolve_within(const std::string& host, std::chrono::milliseconds budget) override;

private:
    // Longer than any healthy DNS answer, short next to the 5 s PAC budget.
    static constexpr std::chrono::milliseconds kLookupBudget{2000};
    std::map<std::string, std::vector<std::string>> overrides_;
    Lookup lookup_;
};

}  // namespace proxydetect
