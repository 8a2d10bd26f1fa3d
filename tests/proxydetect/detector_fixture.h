// A Detector wired to fakes, with raw pointers to them for the test to
// steer. The Detector owns the fakes; the pointers live as long as it does.
#pragma once

#include <memory>

#include "proxydetect/detector.h"
#include "proxydetect/fakes.h"

namespace pdtest {

// Returns a fixed outcome and records the requests it saw.
struct FakePac : proxydetect::PacEvaluator {
    proxydetect::PacOutcome outcome;
    std::vector<proxydetect::PacRequest> seen;
    proxydetect::PacOutcome evaluate(const proxydetect::PacRequest& r, proxydetect::Resolver&) override {
        seen.push_back(r);
        return outcome;
    }
};

struct Fixture {
    proxydetect::fake::Environment* env;
    proxydetect::fake::FileSystem* files;
    proxydetect::fake::Resolver* dns;
    proxydetect::fake::HttpFetcher* http;
    proxydetect::fake::CommandRunner* commands;
    proxydetect::fake::NetworkInfo* net;
    proxydetect::fake::Clock* clock;
    proxydetect::fake::SystemProxySource* desktop;
    FakePac* pac;
    std::unique_ptr<proxydetect::Detector> detector;

    // `real_pac`: use this evaluator instead of FakePac (pac is then null).
    explicit Fixture(proxydetect::Config config, proxydetect::DetectorOptions options = {},
                     std::unique_ptr<proxydetect::PacEvaluator> real_pac = nullptr) {
        using namespace proxydetect;
        World w;
        auto e = std::make_unique<fake::Environment>(); env = e.get(); w.env = std::move(e);
        auto f = std::make_unique<fake::FileSystem>(); files = f.get(); w.files = std::move(f);
        auto d = std::make_unique<fake::Resolver>(); dns = d.get(); w.dns = std::move(d);
        auto h = std::make_unique<fake::HttpFetcher>(); http = h.get(); w.http = std::move(h);
        auto c = std::make_unique<fake::CommandRunner>(); commands = c.get(); w.commands = std::move(c);
        auto n = std::make_unique<fake::NetworkInfo>(); net = n.get(); w.net = std::move(n);
        auto k = std::make_unique<fake::Clock>(); clock = k.get(); w.clock = std::move(k);
        auto s = std::make_unique<fake::SystemProxySource>(); desktop = s.get(); w.desktop = std::move(s);
        if (real_pac) {
            pac = nullptr;
            w.pac = std::move(real_pac);
        } else {
            auto p = std::make_unique<FakePac>(); pac = p.get(); w.pac = std::move(p);
        }
        // No desktop (a server, a test machine): the desktop source is
        // silent. Tests set Mode::none for a desktop that says "no proxy".
        desktop->settings.mode = SystemProxySettings::Mode::unavailable;
        detector = std::make_unique<Detector>(std::move(config), std::move(w), options);
    }
};

// The candidates as PAC strings, "PROXY a:1", "DIRECT".
inline std::vector<std::string> pac_strings(const proxydetect::Decision& d) {
    std::vector<std::string> out;
    for (const auto& c : d.candidates) out.push_back(c.pac_string());
    return out;
}

// The verdict the trace gives `source` (first step of it), "" if absent.
inline std::string verdict(const proxydetect::Decision& d, const std::string& source) {
    for (const auto& s : d.trace)
        if (s.source == source) return s.verdict;
    return "";
}

}  // namespace pdtest
