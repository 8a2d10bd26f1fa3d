#include "bounded_resolver.h"

#include <algorithm>
#include <future>
#include <memory>
#include <thread>

#include "proxydetect/url.h"

namespace proxydetect {

std::vector<std::string> BoundedResolver::resolve(const std::string& raw) {
    return resolve_within(raw, kLookupBudget);
}

std::vector<std::string> BoundedResolver::resolve_within(const std::string& raw, std::chrono::milliseconds budget) {
    std::string host = normalise_host(raw);
    auto it = overrides_.find(host);
    if (it != overrides_.end()) return it->second;
    // The lookup thread owns its copies; after the budget we stop waiting
    // and it finishes (or not) alone.
    auto result = std::make_shared<std::promise<std::vector<std::string>>>();
    auto answer = result->get_future();
    std::thread([host, result, lookup = lookup_] { result->set_value(lookup(host)); }).detach();
    if (answer.wait_for(std::min(budget, kLookupBudget)) != std::future_status::ready) return {};
    return answer.get();
}

}  // namespace proxydetect
