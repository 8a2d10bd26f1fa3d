// relay_tls_floor: what OpenSSL 3 keeps for one idle TLS server connection
// after its handshake and a ping each way, i.e. the floor under the relay's
// memory per session (4 such connections: docs/RELAY.md "Measured").
// N client/server pairs over socketpairs in one process; the clients are
// then freed, and malloc's in-use bytes (mallinfo2) before and after give
// the servers' share, per connection. No relay, no Asio, no HTTP.
//   relay_tls_floor [--connections N] [--no-release-buffers] [--no-tickets] [--no-session-cache]
#include <malloc.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tls_self_signed.h"

namespace {

struct Options {
    int connections = 2000;
    bool release_buffers = true;  // as the relay (relay_server.cpp load_tls)
    bool tickets = true;          // OpenSSL's default: 2 TLS 1.3 tickets
    bool session_cache = true;    // OpenSSL's default: a server-side cache
};

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "relay_tls_floor: %s\n", what);
    ERR_print_errors_fp(stderr);
    std::exit(1);
}

std::size_t in_use() {
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;  // heap chunks in use + mmapped blocks
}

SSL_CTX* server_context(const Options& o) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (!relay_bench::use_self_signed(ctx)) die("self-signed certificate");
    if (o.release_buffers) SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_read_ahead(ctx, 1);
    if (!o.tickets) SSL_CTX_set_num_tickets(ctx, 0);
    if (!o.tickets || !o.session_cache) SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    return ctx;
}

// Drives both ends of a socketpair's handshake in turn (non-blocking).
void handshake(SSL* c, SSL* s) {
    int cr = 0, sr = 0;
    for (int i = 0; i < 1000 && (cr != 1 || sr != 1); ++i) {
        if (cr != 1) cr = SSL_do_handshake(c);
        if (sr != 1) sr = SSL_do_handshake(s);
    }
    if (cr != 1 || sr != 1) die("handshake");
}

// A 50-byte message from `from` to `to` (a heartbeat's size), read whole.
void send_one(SSL* from, SSL* to) {
    char buf[64] = {};
    if (SSL_write(from, buf, 50) != 50) die("write");
    int got = 0;
    for (int i = 0; i < 1000 && got < 50; ++i) {
        const int r = SSL_read(to, buf, sizeof buf);
        if (r > 0) got += r;
    }
    if (got != 50) die("read");
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--connections" && i + 1 < argc) o.connections = std::atoi(argv[++i]);
        else if (a == "--no-release-buffers") o.release_buffers = false;
        else if (a == "--no-tickets") o.tickets = false;
        else if (a == "--no-session-cache") o.session_cache = false;
        else die("usage: relay_tls_floor [--connections N] [--no-release-buffers] [--no-tickets] [--no-session-cache]");
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    SSL_CTX* sctx = server_context(o);
    SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
    std::vector<SSL*> servers;
    std::vector<int> fds;
    const std::size_t before = in_use();
    for (int i = 0; i < o.connections; ++i) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0) die("socketpair (ulimit -n?)");
        SSL* c = SSL_new(cctx);
        SSL* s = SSL_new(sctx);
        SSL_set_fd(c, sv[0]);
        SSL_set_fd(s, sv[1]);
        SSL_set_connect_state(c);
        SSL_set_accept_state(s);
        handshake(c, s);
        send_one(c, s);  // the endpoint's ping (the client also takes the tickets)
        send_one(s, c);  // the relay's pong
        SSL_free(c);
        close(sv[0]);
        servers.push_back(s);
        fds.push_back(sv[1]);
    }
    const std::size_t after = in_use();
    const SSL_CIPHER* cipher = SSL_get_current_cipher(servers.front());
    std::printf("%d idle server connections (%s, %s; release buffers %s, tickets %s, session cache %s): %.0f bytes "
                "each in use (malloc)\n",
                o.connections, SSL_get_version(servers.front()), SSL_CIPHER_get_name(cipher),
                o.release_buffers ? "on" : "off", o.tickets ? "on" : "off",
                o.tickets && o.session_cache ? "on" : "off",
                double(after - before) / o.connections);
    for (SSL* s : servers) SSL_free(s);
    for (int fd : fds) close(fd);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}
