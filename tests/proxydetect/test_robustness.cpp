// Every parser that reads a file, an environment variable or a network
// answer, fed random and mutated input: it may refuse, only with its typed
// error, and must never crash or hang. Deterministic (fixed seed), so a
// failure reproduces. A poor man's fuzzer that runs in every ctest.
#include <catch2/catch.hpp>

#include <random>

#include "proxydetect/auth.h"
#include "proxydetect/candidate.h"
#include "proxydetect/config.h"
#include "proxydetect/errors.h"
#include "proxydetect/no_proxy.h"
#include "proxydetect/system.h"
#include "proxydetect/system_proxy.h"

using namespace proxydetect;

namespace {

// Characters that mean something to one of the grammars, plus some noise.
const std::string kAlphabet = "abcxyz019.:/[]*<>=#;, \n\t\r-_@%\\'\"PROXYDIRECTSOCKS\xff\x01";

std::string random_text(std::mt19937& rng, std::size_t max_len) {
    std::uniform_int_distribution<std::size_t> len(0, max_len), pick(0, kAlphabet.size() - 1);
    std::string s(len(rng), ' ');
    for (auto& c : s) c = kAlphabet[pick(rng)];
    return s;
}

// Replaces, inserts or deletes a few characters of a valid input.
std::string mutate(std::mt19937& rng, std::string s) {
    std::uniform_int_distribution<int> ops(1, 4), kind(0, 2);
    std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
    for (int i = ops(rng); i > 0; --i) {
        std::size_t at = s.empty() ? 0 : std::uniform_int_distribution<std::size_t>(0, s.size() - 1)(rng);
        switch (kind(rng)) {
        case 0: if (!s.empty()) s[at] = kAlphabet[pick(rng)]; break;
        case 1: s.insert(at, 1, kAlphabet[pick(rng)]); break;
        default: if (!s.empty()) s.erase(at, 1);
        }
    }
    return s;
}

const char* const kValidConf =
    "proxy = http://p.corp:3128\nauth = ntlm, basic\nno_proxy = .corp, 10.0.0.0/8, [::1]:443\n"
    "wpad_domain_limit = corp.example\ntransport = poll\n";

}  // namespace

TEST_CASE("parsers survive random and mutated input", "[robustness]") {
    std::mt19937 rng(20261126);
    for (int i = 0; i < 3000; ++i) {
        std::string r = i % 2 ? random_text(rng, 80) : mutate(rng, kValidConf);
        INFO("input #" << i << ": '" << r << "'");
        try { parse_config(r, "fuzz.conf"); } catch (const ConfigError&) {}
        try { parse_url(r); } catch (const UrlError&) {}
        try { parse_proxy_url(r, "fuzz"); } catch (const UrlError&) {}
        std::vector<std::string> notes;
        auto list = NoProxyList::parse(r, &notes);
        list.matches(parse_url("https://[fd00::1]:443/"));
        list.matches(parse_url("http://a.corp/"));
        parse_pac_result(r, "fuzz", &notes);
        parse_kioslaverc("[Proxy Settings]\n" + r);
        parse_resolv_conf_search(r);
        parse_gvariant_string_list(r);
        try { parse_credentials_file(r, "fuzz"); } catch (const ConfigError&) {}
    }
    SUCCEED("no crash, no untyped exception in 3000 inputs");
}
