// The PAC evaluator of the Windows build: WinHttpGetProxyForUrl loads the
// script from its URL and runs it in Windows' own engine (on real Windows
// out of process, in the WinHTTP auto-proxy service, with its own limits;
// under wine in jscript). No duktape exists for mingw, and Windows' engine
// is the one every other program on the machine uses, so the answer is the
// one the user's browser gets.
//
// Differences from the Linux helper, said in the trace: the script must
// come from an http(s) URL (not pac_file); its DNS lookups are Windows' own
// (not traced); and WinHTTP returns only the proxies of the answer, without
// DIRECT (wine 8: only the first proxy).
#include <windows.h>
#include <winhttp.h>

#include <future>
#include <memory>
#include <thread>

#include "platform/windows_text.h"
#include "proxydetect/pac.h"
#include "proxydetect/url.h"

namespace proxydetect {
namespace {

using Ms = std::chrono::milliseconds;

struct Handle {
    HINTERNET h;
    ~Handle() { if (h) WinHttpCloseHandle(h); }
};

struct ProxyInfo {
    WINHTTP_PROXY_INFO info{};
    ~ProxyInfo() {
        if (info.lpszProxy) GlobalFree(info.lpszProxy);
        if (info.lpszProxyBypass) GlobalFree(info.lpszProxyBypass);
    }
};

std::string error_text(DWORD code, const std::string& location) {
    switch (code) {
    case ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT: return "WinHTTP could not download the PAC script from " + location;
    case ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT: return "script error (WinHTTP: the PAC script failed or returned nothing)";
    case ERROR_WINHTTP_TIMEOUT: return "WinHTTP timed out loading the PAC script from " + location;
    default: return "WinHttpGetProxyForUrl failed with error " + std::to_string(code);
    }
}

// WinHTTP's answer as a PAC result string: "PROXY a:1; PROXY b:2" or "DIRECT".
std::string as_pac_result(const WINHTTP_PROXY_INFO& info) {
    if (info.dwAccessType != WINHTTP_ACCESS_TYPE_NAMED_PROXY || !info.lpszProxy) return "DIRECT";
    std::string list = platform::to_utf8(info.lpszProxy), out;
    std::size_t start = 0;
    while (start < list.size()) {
        std::size_t end = list.find_first_of("; ", start);
        std::string item = list.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!item.empty()) out += (out.empty() ? "PROXY " : "; PROXY ") + item;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out.empty() ? "DIRECT" : out;
}

// One WinHttpGetProxyForUrl call; runs on its own thread (see evaluate).
PacOutcome ask_winhttp(const std::string& url, const std::string& location, Ms wall) {
    PacOutcome out;
    Handle session{WinHttpOpen(L"Tether proxydetect", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                               WINHTTP_NO_PROXY_BYPASS, 0)};
    if (!session.h) {
        out.error = "WinHttpOpen failed with error " + std::to_string(GetLastError());
        return out;
    }
    int t = static_cast<int>(wall.count());
    WinHttpSetTimeouts(session.h, t, t, t, t);
    std::wstring wlocation = platform::to_utf16(location), wurl = platform::to_utf16(url);
    WINHTTP_AUTOPROXY_OPTIONS o{};
    o.dwFlags = WINHTTP_AUTOPROXY_CONFIG_URL;
    o.lpszAutoConfigUrl = wlocation.c_str();
    ProxyInfo info;
    if (!WinHttpGetProxyForUrl(session.h, wurl.c_str(), &o, &info.info)) {
        out.error = error_text(GetLastError(), location);
        return out;
    }
    out.ok = true;
    out.result = as_pac_result(info.info);
    out.events.push_back({PacEvent::Kind::note,
                          "run by WinHTTP (WinHttpGetProxyForUrl): its DNS lookups are not traced, and it "
                          "returns only the proxies of the answer, without DIRECT", {}});
    return out;
}

class WinHttpEvaluator : public PacEvaluator {
public:
    explicit WinHttpEvaluator(PacLimits limits) : limits_(limits) {}

    PacOutcome evaluate(const PacRequest& req, Resolver&) override {
        auto start = std::chrono::steady_clock::now();
        PacOutcome out;
        std::string scheme = req.location.substr(0, req.location.find(':'));
        if (scheme != "http" && scheme != "https") {
            out.error = "on Windows PAC scripts run in WinHTTP, which loads them only from http:// or https:// "
                        "URLs: publish " + req.location + " on a web server and give its URL as pac_url";
        } else {
            // WinHTTP has no bound on the script's run time that we control:
            // wait at most the wall budget, then leave it to finish alone.
            auto task = std::make_shared<std::packaged_task<PacOutcome()>>(
                [url = req.url, loc = req.location, wall = limits_.wall] { return ask_winhttp(url, loc, wall); });
            auto answer = task->get_future();
            std::thread([task] { (*task)(); }).detach();
            if (answer.wait_for(limits_.wall) == std::future_status::ready) out = answer.get();
            else out.error = "PAC script did not finish within " + std::to_string(limits_.wall.count()) + " ms";
        }
        if (!out.ok) out.events.push_back({PacEvent::Kind::error, out.error, {}});
        out.elapsed = std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - start);
        return out;
    }

private:
    PacLimits limits_;
};

}  // namespace

std::unique_ptr<PacEvaluator> make_winhttp_evaluator(PacLimits limits) {
    return std::make_unique<WinHttpEvaluator>(limits);
}

}  // namespace proxydetect
