// Evaluating a PAC script. The real evaluator runs duktape in a separate
// helper process (tether-pac-eval) under CPU, memory and wall-clock limits,
// so an endless, huge or hostile script costs at most those limits and can
// never hang or crash the caller. URL and host travel as data (JSON), never
// as script text. DNS lookups made by the script are answered by the
// caller's Resolver, so they are traced and can be faked.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proxydetect/world.h"

namespace proxydetect {

struct PacEvent {
    enum class Kind { alert, dns, error, note };  // note: what the evaluator itself says
    Kind kind = Kind::alert;
    std::string text;                    // alert message, "name -> addrs", error
    std::chrono::microseconds duration{0};  // dns: time the lookup took
};
const char* to_string(PacEvent::Kind kind);

struct PacLimits {
    // Wall-clock budget for one evaluation, DNS lookups included. A PAC
    // that takes longer would stall every new connection.
    std::chrono::milliseconds wall{5000};
    // CPU seconds (RLIMIT_CPU, whole seconds is the kernel's unit). Real
    // PAC scripts need milliseconds; one second is already generous.
    std::chrono::seconds cpu{2};
    // Address space of the helper (RLIMIT_AS): duktape + libc + heap cap.
    std::size_t address_space_bytes = 512u << 20;
    // Heap cap inside the helper's allocator: gives a clear "memory limit"
    // message before RLIMIT_AS turns into a crash.
    std::size_t heap_bytes = 64u << 20;
    // Largest script we accept: real PAC files are a few KiB to ~200 KiB.
    std::size_t max_script_bytes = 1u << 20;
};

struct PacRequest {
    std::string script;
    // Where the script came from (URL or path): the WinHTTP evaluator on
    // Windows loads and runs the script itself from there.
    std::string location;
    std::string url;   // as passed to FindProxyForURL (already stripped)
    std::string host;
    std::vector<std::string> my_addresses;  // for myIpAddress / myIpAddressEx
    // Seconds since the epoch for the time functions; nullopt = real time.
    // Tests pin it for weekdayRange/dateRange/timeRange.
    std::optional<int64_t> now_epoch;
};

struct PacOutcome {
    bool ok = false;
    std::string result;  // FindProxyForURL's return value when ok
    std::string error;   // why not ok: syntax error, time/CPU/memory limit...
    std::vector<PacEvent> events;  // alerts, DNS lookups, errors, in order
    std::chrono::milliseconds elapsed{0};
};

class PacEvaluator {
public:
    virtual ~PacEvaluator() = default;
    // Never throws for script problems: they come back as !ok with a message.
    virtual PacOutcome evaluate(const PacRequest& request, Resolver& dns) = 0;
};

// The helper-process evaluator. `helper_path` is the tether-pac-eval binary.
std::unique_ptr<PacEvaluator> make_helper_evaluator(std::string helper_path,
                                                    PacLimits limits = {});

// Windows: WinHttpGetProxyForUrl loads the script from PacRequest::location
// (http/https only) and runs it in Windows' own engine; waits at most
// limits.wall. Defined only in the Windows build (platform/windows).
std::unique_ptr<PacEvaluator> make_winhttp_evaluator(PacLimits limits = {});

// Where tether-pac-eval is: `override_path` if not empty, else
// $TETHER_PAC_EVAL if set, else next to the running executable
// (/proc/self/exe's directory). Does not check that the file exists.
std::string locate_pac_helper(const std::string& override_path = "");

// The URL passed to FindProxyForURL: for https and wss only
// scheme://host[:port]/ (Chromium does the same: paths and queries of
// encrypted URLs are not the PAC's business); others unchanged.
std::string pac_visible_url(const std::string& url);

}  // namespace proxydetect
