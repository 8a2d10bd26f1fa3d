// One PAC evaluation inside the helper process: a duktape heap with a
// capped allocator, the PAC functions, the script, one FindProxyForURL call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pac {

struct Host {
    // Asks the parent to resolve `name`; returns numeric addresses (v4 and v6).
    std::function<std::vector<std::string>(const std::string& name)> resolve;
    std::function<void(const std::string& message)> alert;
    std::vector<std::string> my_addresses;
    std::optional<int64_t> now_epoch;  // seconds; nullopt = real clock
};

struct Outcome {
    bool ok = false;
    std::string value;  // the result string, or the error message
};

// Runs `script` and calls FindProxyForURLEx (if defined) or FindProxyForURL
// with `url` and `host` pushed as string values (never spliced into code).
// The heap stops growing at `heap_limit` bytes.
Outcome evaluate(const std::string& script, const std::string& url, const std::string& host,
                 Host& env, std::size_t heap_limit);

}  // namespace pac
