// schannel_probe.exe: the floor of wine's SChannel and Winsock, apart from
// Tether (README.md, "Floors"). Built by hand with mingw-w64:
//   x86_64-w64-mingw32-g++ -O2 -static -o schannel_probe.exe schannel_probe.cpp -lsecur32 -lws2_32
//   wine schannel_probe.exe hs   HOST PORT N [reuse] [verify]  N x (resolve, TCP, TLS handshake,
//                                 [CertGetCertificateChain]) per phase, ms
//   wine schannel_probe.exe get  HOST PORT N PATH       N x (TCP, TLS, one HTTP/1.1 GET, answer head)
//   wine schannel_probe.exe enc  HOST PORT MB          EncryptMessage of MB MiB in 16 KiB records (no I/O)
//   wine schannel_probe.exe tlsrecv HOST PORT MB      TLS bulk receive (recv + DecryptMessage), MB/s
//   wine schannel_probe.exe tcprecv HOST PORT MB      plain Winsock recv, 64 KiB buffer, MB/s
// PROBE_WARM_ROOT=1: open the ROOT system store first, timed (a warm-up).
// "reuse": one credential handle for all N (SChannel's session cache then
// may resume); default: a new one per connection, as winnet::Tls does.
#define SECURITY_WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <wincrypt.h>
#include <schannel.h>
#include <security.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using Clock = std::chrono::steady_clock;
static double ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

static SOCKET tcp(const char* host, const char* port, double* resolve_ms, double* connect_ms) {
    auto t0 = Clock::now();
    addrinfo hints{}, *ai = nullptr;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    if (getaddrinfo(host, port, &hints, &ai)) { std::fprintf(stderr, "resolve failed\n"); std::exit(1); }
    auto t1 = Clock::now();
    SOCKET s = INVALID_SOCKET;
    for (addrinfo* a = ai; a; a = a->ai_next) {
        s = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (connect(s, a->ai_addr, (int)a->ai_addrlen) == 0) break;
        closesocket(s);
        s = INVALID_SOCKET;
    }
    freeaddrinfo(ai);
    if (s == INVALID_SOCKET) { std::fprintf(stderr, "connect failed\n"); std::exit(1); }
    BOOL one = TRUE;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char*)&one, sizeof one);
    auto t2 = Clock::now();
    if (resolve_ms) *resolve_ms = ms(t0, t1);
    if (connect_ms) *connect_ms = ms(t1, t2);
    return s;
}

struct Tls {
    CredHandle cred{};
    CtxtHandle ctx{};
    SecPkgContext_StreamSizes sizes{};
    std::string in;
};

static void acquire(CredHandle& cred) {
    SCHANNEL_CRED sc{};
    sc.dwVersion = SCHANNEL_CRED_VERSION;
    sc.dwFlags = SCH_CRED_MANUAL_CRED_VALIDATION | SCH_CRED_NO_DEFAULT_CREDS;
    TimeStamp ts;
    if (AcquireCredentialsHandleA(nullptr, (SEC_CHAR*)UNISP_NAME_A, SECPKG_CRED_OUTBOUND, nullptr, &sc, nullptr, nullptr,
                                  &cred, &ts) != SEC_E_OK) { std::fprintf(stderr, "acquire failed\n"); std::exit(1); }
}

static void handshake(SOCKET s, Tls& t, const char* host) {
    const DWORD want = ISC_REQ_SEQUENCE_DETECT | ISC_REQ_REPLAY_DETECT | ISC_REQ_CONFIDENTIALITY |
                       ISC_REQ_ALLOCATE_MEMORY | ISC_REQ_STREAM;
    bool first = true;
    TimeStamp ts;
    for (;;) {
        SecBuffer ib[2] = {{(unsigned long)t.in.size(), SECBUFFER_TOKEN, t.in.data()}, {0, SECBUFFER_EMPTY, nullptr}};
        SecBufferDesc idesc{SECBUFFER_VERSION, 2, ib};
        SecBuffer ob{0, SECBUFFER_TOKEN, nullptr};
        SecBufferDesc odesc{SECBUFFER_VERSION, 1, &ob};
        DWORD attr = 0;
        SECURITY_STATUS st = InitializeSecurityContextA(&t.cred, first ? nullptr : &t.ctx, first ? (SEC_CHAR*)host : nullptr,
                                                        want, 0, 0, first ? nullptr : &idesc, 0, &t.ctx, &odesc, &attr, &ts);
        first = false;
        if (ob.cbBuffer && ob.pvBuffer) {
            send(s, (const char*)ob.pvBuffer, ob.cbBuffer, 0);
            FreeContextBuffer(ob.pvBuffer);
        }
        if (st == SEC_E_OK || st == SEC_I_CONTINUE_NEEDED) {
            if (ib[1].BufferType == SECBUFFER_EXTRA) t.in = t.in.substr(t.in.size() - ib[1].cbBuffer);
            else t.in.clear();
            if (st == SEC_E_OK) break;
            if (!t.in.empty()) continue;
        } else if (st != SEC_E_INCOMPLETE_MESSAGE) {
            std::fprintf(stderr, "handshake failed 0x%08lx\n", (unsigned long)st);
            std::exit(1);
        }
        char buf[16384];
        int n = recv(s, buf, sizeof buf, 0);
        if (n <= 0) { std::fprintf(stderr, "closed in handshake\n"); std::exit(1); }
        t.in.append(buf, n);
    }
    QueryContextAttributesA(&t.ctx, SECPKG_ATTR_STREAM_SIZES, &t.sizes);
}

static void tls_write(SOCKET s, Tls& t, const std::string& data) {
    std::vector<char> buf(t.sizes.cbHeader + t.sizes.cbMaximumMessage + t.sizes.cbTrailer);
    std::memcpy(buf.data() + t.sizes.cbHeader, data.data(), data.size());
    SecBuffer sb[4] = {{t.sizes.cbHeader, SECBUFFER_STREAM_HEADER, buf.data()},
                       {(unsigned long)data.size(), SECBUFFER_DATA, buf.data() + t.sizes.cbHeader},
                       {t.sizes.cbTrailer, SECBUFFER_STREAM_TRAILER, buf.data() + t.sizes.cbHeader + data.size()},
                       {0, SECBUFFER_EMPTY, nullptr}};
    SecBufferDesc d{SECBUFFER_VERSION, 4, sb};
    EncryptMessage(&t.ctx, 0, &d, 0);
    send(s, buf.data(), sb[0].cbBuffer + sb[1].cbBuffer + sb[2].cbBuffer, 0);
}

// Decrypts what is buffered; appends plaintext; false at close.
static bool tls_read(SOCKET s, Tls& t, std::string& out) {
    for (;;) {
        while (!t.in.empty()) {
            SecBuffer sb[4] = {{(unsigned long)t.in.size(), SECBUFFER_DATA, t.in.data()}, {0, SECBUFFER_EMPTY, nullptr},
                               {0, SECBUFFER_EMPTY, nullptr}, {0, SECBUFFER_EMPTY, nullptr}};
            SecBufferDesc d{SECBUFFER_VERSION, 4, sb};
            SECURITY_STATUS st = DecryptMessage(&t.ctx, &d, 0, nullptr);
            if (st == SEC_E_INCOMPLETE_MESSAGE) break;
            if (st != SEC_E_OK) return false;
            std::string extra;
            bool got = false;
            for (auto& b : sb) {
                if (b.BufferType == SECBUFFER_DATA && b.cbBuffer) { out.append((char*)b.pvBuffer, b.cbBuffer); got = true; }
                if (b.BufferType == SECBUFFER_EXTRA) extra.assign((char*)b.pvBuffer, b.cbBuffer);
            }
            t.in = std::move(extra);
            if (got) return true;
        }
        char buf[64 * 1024];
        int n = recv(s, buf, sizeof buf, 0);
        if (n <= 0) return false;
        t.in.append(buf, n);
    }
}

static double median(std::vector<double> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; }

int main(int argc, char** argv) {
    if (argc < 5) { std::fprintf(stderr, "usage: see the source\n"); return 2; }
    std::string mode = argv[1];
    const char* host = argv[2];
    const char* port = argv[3];
    double n = std::atof(argv[4]);
    WSADATA wd;
    WSAStartup(MAKEWORD(2, 2), &wd);
    if (mode == "hs" || mode == "get") {
        bool reuse = false, verify = false;
        for (int k = 5; k < argc; ++k) {
            if (std::string(argv[k]) == "reuse") reuse = true;
            if (std::string(argv[k]) == "verify") verify = true;
        }
        std::string path = mode == "get" && argc > 5 ? argv[5] : "/";
        std::vector<double> r, c, a, h, v, q, tot;
        if (std::getenv("PROBE_WARM_ROOT")) {  // what a start-up warm-up would do
            auto w0 = Clock::now();
            HCERTSTORE root = CertOpenSystemStoreW(0, L"ROOT");
            if (root) CertCloseStore(root, 0);
            std::printf("CertOpenSystemStoreW(ROOT) first: %.2f ms\n", ms(w0, Clock::now()));
        }
        CredHandle shared{};
        if (reuse) acquire(shared);
        for (int i = 0; i < (int)n; ++i) {
            auto t0 = Clock::now();
            double rm, cm;
            SOCKET s = tcp(host, port, &rm, &cm);
            Tls t;
            auto t1 = Clock::now();
            if (reuse) t.cred = shared; else acquire(t.cred);
            auto t2 = Clock::now();
            handshake(s, t, host);
            auto t3 = Clock::now();
            double vm = 0;
            if (verify) {  // winnet::Tls::verify's first step: build the chain (wine: its root store)
                PCCERT_CONTEXT leaf = nullptr;
                QueryContextAttributesA(&t.ctx, SECPKG_ATTR_REMOTE_CERT_CONTEXT, &leaf);
                CERT_CHAIN_PARA para{};
                para.cbSize = sizeof para;
                PCCERT_CHAIN_CONTEXT chain = nullptr;
                CertGetCertificateChain(nullptr, leaf, nullptr, nullptr, &para, 0, nullptr, &chain);
                if (chain) CertFreeCertificateChain(chain);
                CertFreeCertificateContext(leaf);
                vm = ms(t3, Clock::now());
                t3 = Clock::now();
            }
            if (mode == "get") {
                tls_write(s, t, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                std::string got;
                while (got.find("\r\n\r\n") == std::string::npos && tls_read(s, t, got)) {}
            }
            auto t4 = Clock::now();
            DeleteSecurityContext(&t.ctx);
            if (!reuse) FreeCredentialsHandle(&t.cred);
            closesocket(s);
            r.push_back(rm); c.push_back(cm); a.push_back(ms(t1, t2)); h.push_back(ms(t2, t3) - vm); v.push_back(vm); q.push_back(ms(t3, t4));
            tot.push_back(ms(t0, t4));
            std::printf("%2d resolve %.2f tcp %.2f acquire %.2f handshake %.2f chain %.2f request %.2f total %.2f ms\n", i + 1,
                        rm, cm, ms(t1, t2), h.back(), vm, ms(t3, t4), ms(t0, t4));
        }
        std::printf("median resolve %.2f tcp %.2f acquire %.2f handshake %.2f chain %.2f request %.2f total %.2f ms\n",
                    median(r), median(c), median(a), median(h), median(v), median(q), median(tot));
    } else if (mode == "enc") {
        SOCKET s = tcp(host, port, nullptr, nullptr);
        Tls t;
        acquire(t.cred);
        handshake(s, t, host);
        std::size_t rec = std::min<std::size_t>(16384, t.sizes.cbMaximumMessage);
        std::vector<char> buf(t.sizes.cbHeader + rec + t.sizes.cbTrailer);
        std::uint64_t total = (std::uint64_t)(n * 1024 * 1024), done = 0;
        auto t0 = Clock::now();
        while (done < total) {
            SecBuffer sb[4] = {{t.sizes.cbHeader, SECBUFFER_STREAM_HEADER, buf.data()},
                               {(unsigned long)rec, SECBUFFER_DATA, buf.data() + t.sizes.cbHeader},
                               {t.sizes.cbTrailer, SECBUFFER_STREAM_TRAILER, buf.data() + t.sizes.cbHeader + rec},
                               {0, SECBUFFER_EMPTY, nullptr}};
            SecBufferDesc d{SECBUFFER_VERSION, 4, sb};
            if (EncryptMessage(&t.ctx, 0, &d, 0) != SEC_E_OK) { std::fprintf(stderr, "encrypt failed\n"); return 1; }
            done += rec;
        }
        double sec = ms(t0, Clock::now()) / 1000;
        std::printf("EncryptMessage %.0f MiB in %zu-byte records: %.1f MB/s\n", n, rec, done / 1e6 / sec);
        closesocket(s);
    } else if (mode == "tlsrecv" || mode == "tcprecv") {
        SOCKET s = tcp(host, port, nullptr, nullptr);
        std::uint64_t total = (std::uint64_t)(n * 1024 * 1024), done = 0;
        Clock::time_point t0;
        if (mode == "tlsrecv") {
            Tls t;
            acquire(t.cred);
            handshake(s, t, host);
            std::string out;
            t0 = Clock::now();
            while (done < total && tls_read(s, t, out)) { done += out.size(); out.clear(); }
        } else {
            std::vector<char> buf(64 * 1024);
            t0 = Clock::now();
            while (done < total) {
                int k = recv(s, buf.data(), (int)buf.size(), 0);
                if (k <= 0) break;
                done += k;
            }
        }
        double sec = ms(t0, Clock::now()) / 1000;
        std::printf("%s %.1f MiB: %.1f MB/s\n", mode.c_str(), done / 1048576.0, done / 1e6 / sec);
        closesocket(s);
    }
    return 0;
}
