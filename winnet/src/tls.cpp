// SChannel TLS client (see tls.h).
#include "tls.h"

#include <cstring>
#include <vector>

namespace winnet {
namespace {

// SECURITY_FLAG_IGNORE_UNKNOWN_CA of wininet.h/winhttp.h (not in schannel's
// headers): set only when the chain ends in a CA of the CA file.
constexpr DWORD kIgnoreUnknownCa = 0x00000100;

std::string hex(long v) {
    char b[16];
    std::snprintf(b, sizeof b, "0x%08lx", static_cast<unsigned long>(v));
    return b;
}

std::wstring widen(const std::string& s) {
    int n = MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, nullptr, 0);
    std::wstring w(n > 0 ? n - 1 : 0, L'\0');
    if (n > 1) MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, &w[0], n);
    return w;
}

}  // namespace

Tls::Tls(Socket& sock, std::string host, std::string pending)
    : sock_(sock), host_(std::move(host)), in_(std::move(pending)) {}

Tls::~Tls() {
    if (have_ctx_) DeleteSecurityContext(&ctx_);
    if (have_cred_) FreeCredentialsHandle(&cred_);
}

void Tls::handshake(const std::string& ca_file, std::chrono::milliseconds timeout) {
    SCHANNEL_CRED sc{};
    sc.dwVersion = SCHANNEL_CRED_VERSION;
    // We check the chain ourselves (verify()), so that the CA file counts and
    // the error says what to do; no client certificate.
    sc.dwFlags = SCH_CRED_MANUAL_CRED_VALIDATION | SCH_CRED_NO_DEFAULT_CREDS;
    TimeStamp ts;
    SECURITY_STATUS st = AcquireCredentialsHandleA(nullptr, const_cast<SEC_CHAR*>(UNISP_NAME_A), SECPKG_CRED_OUTBOUND,
                                                   nullptr, &sc, nullptr, nullptr, &cred_, &ts);
    if (st != SEC_E_OK) throw TlsError{"SChannel refused to start (" + hex(st) + ")"};
    have_cred_ = true;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    const DWORD want = ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT | ISC_REQ_CONFIDENTIALITY |
                       ISC_REQ_ALLOCATE_MEMORY | ISC_REQ_STREAM;
    bool first = true;
    for (;;) {
        SecBuffer ib[2] = {{static_cast<unsigned long>(in_.size()), SECBUFFER_TOKEN, in_.data()},
                           {0, SECBUFFER_EMPTY, nullptr}};
        SecBufferDesc idesc{SECBUFFER_VERSION, 2, ib};
        SecBuffer ob{0, SECBUFFER_TOKEN, nullptr};
        SecBufferDesc odesc{SECBUFFER_VERSION, 1, &ob};
        DWORD attr = 0;
        st = InitializeSecurityContextA(&cred_, first ? nullptr : &ctx_,
                                        first ? const_cast<SEC_CHAR*>(host_.c_str()) : nullptr, want, 0, 0,
                                        first ? nullptr : &idesc, 0, &ctx_, &odesc, &attr, &ts);
        if (first && (st == SEC_E_OK || st == SEC_I_CONTINUE_NEEDED)) have_ctx_ = true;
        first = false;
        if (ob.cbBuffer && ob.pvBuffer) {
            std::string token(static_cast<char*>(ob.pvBuffer), ob.cbBuffer);
            FreeContextBuffer(ob.pvBuffer);
            sock_.send_all(token.data(), token.size());
        }
        if (st == SEC_E_OK || st == SEC_I_CONTINUE_NEEDED) {
            if (ib[1].BufferType == SECBUFFER_EXTRA) in_ = in_.substr(in_.size() - ib[1].cbBuffer);
            else in_.clear();
            if (st == SEC_E_OK) break;
            if (!in_.empty()) continue;
        } else if (st != SEC_E_INCOMPLETE_MESSAGE) {
            throw TlsError{"the TLS handshake failed (SChannel " + hex(st) + ")"};
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) throw TlsError{"the TLS handshake did not finish in time"};
        auto r = sock_.read_some(in_, left);
        if (r == Socket::Read::closed) throw TlsError{"the connection closed during the TLS handshake"};
    }
    QueryContextAttributesA(&ctx_, SECPKG_ATTR_STREAM_SIZES, &sizes_);
    verify(ca_file);
}

// Trusted when the chain ends in a root of the Windows store, or in a
// certificate of the CA file; then the SSL policy checks the host name,
// validity and key usage.
void Tls::verify(const std::string& ca_file) {
    PCCERT_CONTEXT leaf = nullptr;
    if (QueryContextAttributesA(&ctx_, SECPKG_ATTR_REMOTE_CERT_CONTEXT, &leaf) != SEC_E_OK || !leaf)
        throw TrustError{"the relay sent no certificate"};
    HCERTSTORE extra = CertOpenStore(CERT_STORE_PROV_MEMORY, 0, 0, CERT_STORE_CREATE_NEW_FLAG, nullptr);
    std::vector<PCCERT_CONTEXT> file_cas;
    struct Cleanup {
        PCCERT_CONTEXT leaf; HCERTSTORE store; std::vector<PCCERT_CONTEXT>& cas; PCCERT_CHAIN_CONTEXT chain = nullptr;
        ~Cleanup() {
            if (chain) CertFreeCertificateChain(chain);
            for (auto c : cas) CertFreeCertificateContext(c);
            CertCloseStore(store, 0);
            CertFreeCertificateContext(leaf);
        }
    } cleanup{leaf, extra, file_cas};
    // The intermediates the relay sent.
    for (PCCERT_CONTEXT c = nullptr; (c = CertEnumCertificatesInStore(leaf->hCertStore, c));)
        CertAddCertificateContextToStore(extra, c, CERT_STORE_ADD_USE_EXISTING, nullptr);
    if (!ca_file.empty()) {
        for (auto& der : read_pem_certificates(ca_file)) {
            PCCERT_CONTEXT c = CertCreateCertificateContext(X509_ASN_ENCODING, reinterpret_cast<const BYTE*>(der.data()),
                                                            static_cast<DWORD>(der.size()));
            if (!c) continue;
            file_cas.push_back(c);
            CertAddCertificateContextToStore(extra, c, CERT_STORE_ADD_USE_EXISTING, nullptr);
        }
        if (file_cas.empty()) throw TrustError{"the CA file '" + ca_file + "' holds no certificate"};
    }
    CERT_CHAIN_PARA para{};
    para.cbSize = sizeof para;
    if (!CertGetCertificateChain(nullptr, leaf, nullptr, extra, &para, 0, nullptr, &cleanup.chain))
        throw TrustError{"Windows could not build its certificate chain"};
    const CERT_SIMPLE_CHAIN* simple = cleanup.chain->rgpChain[0];
    PCCERT_CONTEXT root = simple->rgpElement[simple->cElement - 1]->pCertContext;
    bool root_from_file = false;
    for (auto c : file_cas)
        if (CertCompareCertificate(X509_ASN_ENCODING, root->pCertInfo, c->pCertInfo)) root_from_file = true;
    DWORD errors = cleanup.chain->TrustStatus.dwErrorStatus;
    if (root_from_file) errors &= ~DWORD(CERT_TRUST_IS_UNTRUSTED_ROOT);
    std::wstring name = widen(host_);
    SSL_EXTRA_CERT_CHAIN_POLICY_PARA ssl{};
    ssl.cbSize = sizeof ssl;
    ssl.dwAuthType = AUTHTYPE_SERVER;
    ssl.fdwChecks = root_from_file ? kIgnoreUnknownCa : 0;
    ssl.pwszServerName = &name[0];
    CERT_CHAIN_POLICY_PARA policy{};
    policy.cbSize = sizeof policy;
    policy.pvExtraPolicyPara = &ssl;
    CERT_CHAIN_POLICY_STATUS status{};
    status.cbSize = sizeof status;
    if (!CertVerifyCertificateChainPolicy(CERT_CHAIN_POLICY_SSL, cleanup.chain, &policy, &status))
        throw TrustError{"Windows could not check the certificate"};
    HRESULT e = static_cast<HRESULT>(status.dwError);
    if (e == CERT_E_CN_NO_MATCH) throw TrustError{"the certificate is not for the name " + host_};
    if (e == CERT_E_EXPIRED) throw TrustError{"the certificate has expired or is not yet valid"};
    if (e == CERT_E_UNTRUSTEDROOT || (errors & CERT_TRUST_IS_UNTRUSTED_ROOT))
        throw TrustError{"the certificate was issued by an authority neither Windows nor the CA file trusts"};
    if (e != 0) throw TrustError{"Windows rejected the certificate (" + hex(static_cast<long>(e)) + ")"};
    if (errors & ~DWORD(CERT_TRUST_REVOCATION_STATUS_UNKNOWN | CERT_TRUST_IS_OFFLINE_REVOCATION))
        throw TrustError{"the certificate chain is not valid (trust status " + hex(static_cast<long>(errors)) + ")"};
}

void Tls::write(const char* p, std::size_t n) {
    std::vector<char> buf(sizes_.cbHeader + sizes_.cbMaximumMessage + sizes_.cbTrailer);
    while (n > 0) {
        std::size_t take = std::min<std::size_t>(n, sizes_.cbMaximumMessage);
        std::memcpy(buf.data() + sizes_.cbHeader, p, take);
        SecBuffer sb[4] = {{sizes_.cbHeader, SECBUFFER_STREAM_HEADER, buf.data()},
                           {static_cast<unsigned long>(take), SECBUFFER_DATA, buf.data() + sizes_.cbHeader},
                           {sizes_.cbTrailer, SECBUFFER_STREAM_TRAILER, buf.data() + sizes_.cbHeader + take},
                           {0, SECBUFFER_EMPTY, nullptr}};
        SecBufferDesc d{SECBUFFER_VERSION, 4, sb};
        SECURITY_STATUS st = EncryptMessage(&ctx_, 0, &d, 0);
        if (st != SEC_E_OK) throw TlsError{"TLS encryption failed (" + hex(st) + ")"};
        sock_.send_all(buf.data(), sb[0].cbBuffer + sb[1].cbBuffer + sb[2].cbBuffer);
        p += take;
        n -= take;
    }
}

// Decrypts whole records from in_; true once something was appended (or the
// peer closed). False: in_ holds an incomplete record.
bool Tls::decrypt_buffered(std::string& out) {
    bool got = false;
    while (!in_.empty() && !closed_) {
        SecBuffer sb[4] = {{static_cast<unsigned long>(in_.size()), SECBUFFER_DATA, in_.data()},
                           {0, SECBUFFER_EMPTY, nullptr}, {0, SECBUFFER_EMPTY, nullptr}, {0, SECBUFFER_EMPTY, nullptr}};
        SecBufferDesc d{SECBUFFER_VERSION, 4, sb};
        SECURITY_STATUS st = DecryptMessage(&ctx_, &d, 0, nullptr);
        if (st == SEC_E_INCOMPLETE_MESSAGE) break;
        if (st == SEC_I_CONTEXT_EXPIRED) { closed_ = true; return true; }  // close_notify
        if (st != SEC_E_OK) throw TlsError{"a TLS record from the relay could not be decrypted (" + hex(st) + ")"};
        std::string extra;
        for (auto& b : sb) {
            if (b.BufferType == SECBUFFER_DATA && b.cbBuffer) {
                out.append(static_cast<char*>(b.pvBuffer), b.cbBuffer);
                got = true;
            }
            if (b.BufferType == SECBUFFER_EXTRA) extra.assign(static_cast<char*>(b.pvBuffer), b.cbBuffer);
        }
        in_ = std::move(extra);
    }
    return got;
}

Socket::Read Tls::read_some(std::string& out, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (decrypt_buffered(out)) return closed_ ? Socket::Read::closed : Socket::Read::data;
        if (closed_) return Socket::Read::closed;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() < 0) left = std::chrono::milliseconds(0);
        auto r = sock_.read_some(in_, left);
        if (r != Socket::Read::data) return r;
    }
}

}  // namespace winnet
