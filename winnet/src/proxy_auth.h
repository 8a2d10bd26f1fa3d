// Answers to a proxy's 407, on our CONNECT and on plain-HTTP requests
// through the proxy alike: Basic and Digest (digest_auth.h) from the
// configured credentials, NTLM and Negotiate through SSPI (secur32) with
// the configured credentials or, without them, the logged-on user's
// (single sign-on). A state machine: each 407 is one step; an empty answer
// means we have nothing (more) to offer and the caller reports the 407.
// answer_407s() below runs the rounds for either kind of request.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "digest_auth.h"
#include "http1/http1.h"

#include "route.h"
#include "winnet/config.h"

namespace winnet {

class SspiContext;  // proxy_auth.cpp

class ProxyAuth {
public:
    // `method` and `target` are the request's, which Digest hashes: "CONNECT"
    // and "relay.example.com:443", or a plain request's "POST" and
    // "http://relay.example.com/v1/poll/up" (absolute-form, as sent).
    ProxyAuth(const Config& cfg, std::string proxy_host, std::string target, std::string method = "CONNECT");
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

    // After the proxy accepted an answer of ours: the Proxy-Authorization to
    // send unasked with a later request (`method`, `target`), on any
    // connection: Basic's credentials again, Digest's under the accepted
    // nonce with the next nonce count. "" for NTLM and Negotiate, which
    // authenticate the connection itself (a new one needs a handshake of
    // its own).
    std::string again(const std::string& method, const std::string& target);

private:
    bool allowed(const std::string& scheme) const;
    std::string next_answer(const std::vector<std::pair<std::string, std::string>>& offers);
    std::string answer_digest(const std::vector<std::pair<std::string, std::string>>& offers);

    const Config& cfg_;
    std::string proxy_host_, target_, method_;
    std::string scheme_;  // chosen at the first 407
    bool basic_sent_ = false, basic_offered_ = false, only_basic_offered_ = false;
    bool sent_ = false;  // some answer of ours went out (and a 407 came back)
    std::string digest_nonce_;  // the nonce we answered ("" before the first)
    std::optional<DigestChallenge> digest_;  // its challenge, for again()
    unsigned digest_nc_ = 1;                 // how often we used that nonce
    std::unique_ptr<SspiContext> sspi_;
};

// The 407 rounds of one request through the proxy (RFC 9110 11.7.1): while
// `head` (the answer so far) is a 407, answers it with `auth` through
// `again(authorization)`, which sends the request once more with that
// Proxy-Authorization and returns the new answer's head, the 407 page
// before it already read (a connection the proxy closed replaced: then an
// NTLM handshake fails and is reported). Returns the first answer that is
// not a 407. A 407 we have no (more) answer to, or after kMaxAuthRounds,
// throws its sentence (connect_refused(407), session/proxy_auth_text.h):
// never a retry loop.
using SendAgain = std::function<http1::ResponseHead(const std::string& authorization)>;
http1::ResponseHead answer_407s(ProxyAuth& auth, const Config& cfg, const Route& route, http1::ResponseHead head,
                                const SendAgain& again);

// 407 rounds before we give up: Basic needs 1, NTLM 2, Negotiate 1-2.
constexpr int kMaxAuthRounds = 4;

}  // namespace winnet
