// Answers to a proxy's 407 on our CONNECT: Basic and Digest (digest_auth.h)
// from the configured credentials, NTLM and Negotiate through SSPI (secur32)
// with the configured credentials or, without them, the logged-on user's
// (single sign-on). A
// state machine: each 407 is one step; an empty answer means we have
// nothing (more) to offer and the caller reports the 407.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "route.h"
#include "winnet/config.h"

namespace winnet {

class SspiContext;  // proxy_auth.cpp

class ProxyAuth {
public:
    // `target` is the CONNECT request target ("relay.example.com:443"),
    // which Digest hashes.
    ProxyAuth(const Config& cfg, std::string proxy_host, std::string target);
    ~ProxyAuth();

    // The Proxy-Authorization value for the next CONNECT, given the
    // Proxy-Authenticate values of the last 407; "" when there is none.
    std::string answer(const std::vector<std::string>& offered);
    // The proxy offered Basic (for the hint in the error message).
    bool basic_offered() const { return basic_offered_; }
    // For the final 407's sentence (connect_refused): whether an answer of
    // ours was refused, and whether the proxy offered only Basic.
    AuthSeen seen() const { return {sent_, only_basic_offered_}; }
    // The scheme in use ("basic", "digest", "ntlm", "negotiate"), for describe().
    const std::string& scheme() const { return scheme_; }

private:
    bool allowed(const std::string& scheme) const;
    std::string next_answer(const std::vector<std::pair<std::string, std::string>>& offers);
    std::string answer_digest(const std::vector<std::pair<std::string, std::string>>& offers);

    const Config& cfg_;
    std::string proxy_host_, target_;
    std::string scheme_;  // chosen at the first 407
    bool basic_sent_ = false, basic_offered_ = false, only_basic_offered_ = false;
    bool sent_ = false;  // some answer of ours went out (and a 407 came back)
    std::string digest_nonce_;  // the nonce we answered ("" before the first)
    std::unique_ptr<SspiContext> sspi_;
};

}  // namespace winnet
