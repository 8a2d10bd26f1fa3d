// Proxy authentication for CONNECT and plain requests (see proxy_auth.h).
#define SECURITY_WIN32
#include "proxy_auth.h"

#include <windows.h>
#include <security.h>

#include <algorithm>
#include <cctype>


namespace winnet {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::wstring widen(const std::string& s) {
    int n = MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, nullptr, 0);
    std::wstring w(n > 0 ? n - 1 : 0, L'\0');
    if (n > 1) MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, &w[0], n);
    return w;
}

// "NTLM TlRMTVNT..." -> scheme "ntlm", rest "TlRMTVNT...".
std::pair<std::string, std::string> split_challenge(const std::string& v) {
    auto sp = v.find(' ');
    std::string rest = sp == std::string::npos ? "" : v.substr(sp + 1);
    rest.erase(0, rest.find_first_not_of(' '));
    return {lower(v.substr(0, sp)), rest};
}

}  // namespace

// One SSPI client context (NTLM or Negotiate) across the 407 rounds.
class SspiContext {
public:
    SspiContext(const std::wstring& package, const Config& cfg, const std::string& proxy_host)
        : target_(L"HTTP/" + widen(proxy_host)) {
        SEC_WINNT_AUTH_IDENTITY_W id{};
        std::wstring user = widen(cfg.proxy_user), pass = widen(cfg.proxy_password), domain;
        auto slash = user.find(L'\\');  // DOMAIN\user
        if (slash != std::wstring::npos) {
            domain = user.substr(0, slash);
            user = user.substr(slash + 1);
        }
        id.User = reinterpret_cast<unsigned short*>(&user[0]);
        id.UserLength = static_cast<unsigned long>(user.size());
        id.Password = reinterpret_cast<unsigned short*>(&pass[0]);
        id.PasswordLength = static_cast<unsigned long>(pass.size());
        id.Domain = reinterpret_cast<unsigned short*>(&domain[0]);
        id.DomainLength = static_cast<unsigned long>(domain.size());
        id.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
        TimeStamp exp;
        // No user configured: the logged-on user's credentials (nullptr).
        ok_ = AcquireCredentialsHandleW(nullptr, const_cast<wchar_t*>(package.c_str()), SECPKG_CRED_OUTBOUND, nullptr,
                                        cfg.proxy_user.empty() ? nullptr : &id, nullptr, nullptr, &cred_,
                                        &exp) == SEC_E_OK;
    }
    ~SspiContext() {
        if (have_ctx_) DeleteSecurityContext(&ctx_);
        if (ok_) FreeCredentialsHandle(&cred_);
    }
    // The next token (base64) for the proxy's `challenge` (empty at first);
    // "" when SSPI cannot go on.
    std::string step(const std::string& challenge) {
        if (!ok_) return "";
        std::string in = challenge;
        unsigned char out[12288];
        SecBuffer ob{sizeof out, SECBUFFER_TOKEN, out};
        SecBufferDesc od{SECBUFFER_VERSION, 1, &ob};
        SecBuffer ib{static_cast<unsigned long>(in.size()), SECBUFFER_TOKEN, in.data()};
        SecBufferDesc idesc{SECBUFFER_VERSION, 1, &ib};
        ULONG attrs = 0;
        TimeStamp exp;
        SECURITY_STATUS st = InitializeSecurityContextW(&cred_, have_ctx_ ? &ctx_ : nullptr, &target_[0],
                                                        ISC_REQ_CONNECTION, 0, SECURITY_NATIVE_DREP,
                                                        have_ctx_ ? &idesc : nullptr, 0, &ctx_, &od, &attrs, &exp);
        if (st != SEC_E_OK && st != SEC_I_CONTINUE_NEEDED) return "";
        have_ctx_ = true;
        return http1::base64(std::string(reinterpret_cast<char*>(out), ob.cbBuffer));
    }
    int rounds = 0;

private:
    std::wstring target_;
    CredHandle cred_{};
    CtxtHandle ctx_{};
    bool ok_ = false, have_ctx_ = false;
};

ProxyAuth::ProxyAuth(const Config& cfg, std::string proxy_host, std::string target, std::string method)
    : cfg_(cfg), proxy_host_(std::move(proxy_host)), target_(std::move(target)), method_(std::move(method)) {}
ProxyAuth::~ProxyAuth() = default;

// "anysafe" (default): Negotiate, NTLM and Digest; "any": Basic too.
bool ProxyAuth::allowed(const std::string& scheme) const {
    std::string list = "," + lower(cfg_.proxy_auth) + ",";
    for (char& c : list) if (c == ' ') c = ',';
    if (list.find("," + scheme + ",") != std::string::npos) return true;
    if (list.find(",any,") != std::string::npos) return true;
    return scheme != "basic" && (list.find(",anysafe,") != std::string::npos || list == ",,");
}

std::string ProxyAuth::answer(const std::vector<std::string>& offered) {
    std::vector<std::pair<std::string, std::string>> offers;
    for (auto& o : offered) offers.push_back(split_challenge(o));
    basic_offered_ = std::any_of(offers.begin(), offers.end(), [](auto& p) { return p.first == "basic"; });
    only_basic_offered_ = basic_offered_ &&
                          std::all_of(offers.begin(), offers.end(), [](auto& p) { return p.first == "basic"; });
    std::string a = next_answer(offers);
    sent_ = sent_ || !a.empty();
    return a;
}

std::string ProxyAuth::next_answer(const std::vector<std::pair<std::string, std::string>>& offers) {
    auto offer = [&](const std::string& s) {
        return std::find_if(offers.begin(), offers.end(), [&](auto& p) { return p.first == s; });
    };
    if (scheme_.empty()) {  // first 407: strongest scheme both sides allow
        // Basic and Digest need a configured user; SSPI can use the logged-on one.
        for (const char* s : {"negotiate", "ntlm", "digest", "basic"})
            if (offer(s) != offers.end() && allowed(s) &&
                (std::string(s) == "negotiate" || std::string(s) == "ntlm" || !cfg_.proxy_user.empty())) {
                scheme_ = s;
                break;
            }
        if (scheme_.empty()) return "";
    }
    if (scheme_ == "basic") {
        if (basic_sent_) return "";  // the proxy refused these credentials
        basic_sent_ = true;
        return http1::basic_credentials(cfg_.proxy_user, cfg_.proxy_password);
    }
    if (scheme_ == "digest") return answer_digest(offers);
    auto it = offer(scheme_);
    if (it == offers.end()) return "";
    // NTLM: negotiate, then the answer to the challenge; a bare scheme after
    // that means the proxy refused us.
    if (!sspi_) sspi_ = std::make_unique<SspiContext>(scheme_ == "ntlm" ? L"NTLM" : L"Negotiate", cfg_, proxy_host_);
    else if (it->second.empty()) return "";
    if (++sspi_->rounds > 3) return "";
    std::string challenge;
    try {
        challenge = it->second.empty() ? "" : http1::base64_decode(it->second);
    } catch (const http1::ParseError&) {
        return "";
    }
    std::string token = sspi_->step(challenge);
    if (token.empty()) return "";
    return (scheme_ == "ntlm" ? "NTLM " : "Negotiate ") + token;
}

// The strongest usable Digest challenge (SHA-256 before MD5). A second 407
// means the credentials were refused, unless it says the nonce was stale.
std::string ProxyAuth::answer_digest(const std::vector<std::pair<std::string, std::string>>& offers) {
    std::optional<DigestChallenge> best;
    for (auto& [scheme, params] : offers) {
        if (scheme != "digest") continue;
        auto c = parse_digest_challenge(params);
        if (c && (!best || c->algorithm == "SHA-256")) best = c;
    }
    if (!best) return "";
    if (!digest_nonce_.empty() && !best->stale) return "";
    digest_nonce_ = best->nonce;
    digest_ = best;
    digest_nc_ = 1;
    try {
        // A fresh nonce: nc 1. Later requests count on from here (again()).
        return digest_authorization(*best, {cfg_.proxy_user, cfg_.proxy_password, method_, target_,
                                            random_cnonce(), 1});
    } catch (const std::invalid_argument&) {
        return "";  // the 407 is reported as it came
    }
}

std::string ProxyAuth::again(const std::string& method, const std::string& target) {
    if (scheme_ == "basic" && basic_sent_) return http1::basic_credentials(cfg_.proxy_user, cfg_.proxy_password);
    if (scheme_ != "digest" || !digest_) return "";  // NTLM, Negotiate: the connection is authenticated
    try {
        return digest_authorization(*digest_, {cfg_.proxy_user, cfg_.proxy_password, method, target,
                                               random_cnonce(), ++digest_nc_});
    } catch (const std::invalid_argument&) {
        return "";
    }
}

http1::ResponseHead answer_407s(ProxyAuth& auth, const Config& cfg, const Route& route, http1::ResponseHead head,
                                const SendAgain& again) {
    for (int round = 0; head.status == 407; ++round) {
        std::string authorization =
            round < kMaxAuthRounds ? auth.answer(head.headers_named("Proxy-Authenticate")) : "";
        if (authorization.empty()) throw connect_refused(407, cfg, route, auth.seen());
        head = again(authorization);
    }
    return head;
}

}  // namespace winnet
