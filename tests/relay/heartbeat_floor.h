// The floor under the relay's idle CPU (relay_bench_idle --floor): what a
// TLS heartbeat costs on this machine with nothing else around it. A child
// process serves the same idle TLS 1.3 connections over loopback TCP as the
// relay would (a side's downlink and uplink, 4 per session), with a minimal
// single-threaded level-triggered epoll + OpenSSL loop: no Asio, no HTTP,
// no session state. Every ping chunk read on an uplink is checked and
// answered by a pong chunk written to that side's downlink, as the relay
// does. OpenSSL is set up as the relay sets it (release buffers, read
// ahead, TCP_NODELAY). The client sides are the benches' blocking Tls
// streams (bench_client.h); a stream opens with a 16-byte hello naming its
// role and side instead of an HTTP request head.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "bench_client.h"
#include "tls_self_signed.h"

namespace relay_bench {

// "D" or "U" + 15 hex digits: a downlink or an uplink of side `id`.
inline std::string floor_hello(char role, std::uint64_t id) {
    char b[17];
    std::snprintf(b, sizeof b, "%c%015llx", role, static_cast<unsigned long long>(id));
    return std::string(b, 16);
}

inline std::string pong_chunk() {
    std::string f;
    wire::append_u64_frame(f, wire::FrameType::pong, 1);
    return chunk(f);
}

class FloorServer {
public:
    // Serves `listener` (bound, listening) until killed. Never returns.
    [[noreturn]] static void run(int listener) {
        FloorServer s(listener);
        s.loop();
    }

private:
    struct Conn {
        Conn(int f, SSL* s) : fd(f), ssl(s) {}
        int fd;
        SSL* ssl;
        bool ready = false;     // handshake done
        std::string hello;      // until 16 bytes arrived
        char role = 0;          // 'D' or 'U' once the hello is in
        std::uint64_t id = 0;   // the side
        std::size_t carry = 0;  // bytes of an incomplete ping chunk (uplink)
        char chunk[32];         // the pong being built from it
        bool out_armed = false; // EPOLLOUT asked for
        std::string out;        // a pong not yet written (downlink)
        bool dead = false;
    };

    explicit FloorServer(int listener) : listener_(listener), ping_(ping_chunk()), pong_(pong_chunk()) {
        if (ping_.size() > sizeof(Conn::chunk)) _exit(3);
        while (ping_[type_at_] == pong_[type_at_]) ++type_at_;
        ctx_ = SSL_CTX_new(TLS_server_method());
        if (!ctx_ || !use_self_signed(ctx_)) _exit(3);
        SSL_CTX_set_mode(ctx_, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        SSL_CTX_set_read_ahead(ctx_, 1);
        ep_ = epoll_create1(0);
        fcntl(listener_, F_SETFL, fcntl(listener_, F_GETFL) | O_NONBLOCK);
        epoll_event e{EPOLLIN, {nullptr}};
        epoll_ctl(ep_, EPOLL_CTL_ADD, listener_, &e);
    }

    [[noreturn]] void loop() {
        epoll_event events[256];
        for (;;) {
            const int n = epoll_wait(ep_, events, 256, -1);
            for (int i = 0; i < n; ++i) {
                auto* c = static_cast<Conn*>(events[i].data.ptr);
                if (!c) accept_all();
                else if (!c->dead) serve(*c);
            }
            for (Conn* c : dead_) delete c;
            dead_.clear();
        }
    }

    void accept_all() {
        for (;;) {
            const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK);
            if (fd < 0) return;
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            auto* c = new Conn(fd, SSL_new(ctx_));
            SSL_set_fd(c->ssl, fd);
            SSL_set_accept_state(c->ssl);
            epoll_event e{EPOLLIN, {c}};
            epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &e);
        }
    }

    void serve(Conn& c) {
        if (!c.ready) {
            const int r = SSL_do_handshake(c.ssl);
            if (r != 1) return want(c, r);
            c.ready = true;
        }
        if (!c.out.empty()) flush(c);
        if (c.out_armed && c.out.empty()) arm(c, false);
        char buf[16 * 1024];
        for (;;) {
            const int r = SSL_read(c.ssl, buf, sizeof buf);
            if (r <= 0) return want(c, r);
            if (!take(c, buf, static_cast<std::size_t>(r))) return close(c);
        }
    }

    // After an SSL call returned r <= 0: wait for what it wants, or close.
    void want(Conn& c, int r) {
        const int e = SSL_get_error(c.ssl, r);
        if (e == SSL_ERROR_WANT_READ) return;
        if (e != SSL_ERROR_WANT_WRITE) return close(c);
        if (!c.out_armed) arm(c, true);
    }

    void arm(Conn& c, bool out) {
        c.out_armed = out;
        epoll_event ev{EPOLLIN | (out ? EPOLLOUT : 0u), {&c}};
        epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    }

    // Bytes read from c: the hello, then (uplink) ping chunks. false: close.
    bool take(Conn& c, const char* p, std::size_t n) {
        if (c.role == 0) {
            const std::size_t k = std::min(n, 16 - c.hello.size());
            c.hello.append(p, k);
            p += k;
            n -= k;
            if (c.hello.size() < 16) return true;
            c.role = c.hello[0];
            c.id = std::stoull(c.hello.substr(1), nullptr, 16);
            if (c.role == 'D') downlinks_[c.id] = &c;
            else if (c.role != 'U') return false;
        }
        if (c.role == 'D') return n == 0;  // a downlink's client only listens
        auto down = downlinks_.find(c.id);
        Conn* d = down == downlinks_.end() || down->second->dead ? nullptr : down->second;
        const std::size_t value_at = ping_.size() - 2 - 8;  // the ping's 8-byte value, before the CRLF
        bool pongs = false;
        for (; n > 0; ++p, --n) {  // ping chunks, possibly split across reads
            const bool value = c.carry >= value_at && c.carry < value_at + 8;
            if (!value && *p != ping_[c.carry]) return false;
            c.chunk[c.carry] = c.carry == type_at_ ? pong_[type_at_] : *p;
            if (++c.carry == ping_.size()) {
                c.carry = 0;
                if (d) d->out.append(c.chunk, ping_.size());
                pongs = true;
            }
        }
        if (pongs && d) flush(*d);
        return true;
    }

    void flush(Conn& d) {
        const int r = SSL_write(d.ssl, d.out.data(), static_cast<int>(d.out.size()));
        if (r <= 0) return want(d, r);
        d.out.erase(0, static_cast<std::size_t>(r));
        if (!d.out.empty() && !d.out_armed) arm(d, true);  // partial write: wait for room
    }

    void close(Conn& c) {
        if (c.dead) return;
        c.dead = true;
        if (c.role == 'D') downlinks_.erase(c.id);
        epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
        SSL_free(c.ssl);
        ::close(c.fd);
        dead_.push_back(&c);
    }

    int listener_, ep_ = -1;
    SSL_CTX* ctx_ = nullptr;
    const std::string ping_, pong_;
    std::size_t type_at_ = 0;  // where a ping chunk and a pong chunk differ: the frame type
    std::unordered_map<std::uint64_t, Conn*> downlinks_;
    std::vector<Conn*> dead_;
};

// A running floor server (a child process) and the client side of it.
class Floor {
public:
    Floor() {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 4096) != 0 ||
            getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error("floor: cannot listen on 127.0.0.1");
        port_ = ntohs(a.sin_port);
        pid_ = fork();
        if (pid_ == 0) FloorServer::run(fd);
        ::close(fd);
        ctx_ = SSL_CTX_new(TLS_client_method());  // a throw-away certificate: nothing to verify
    }
    ~Floor() {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
        SSL_CTX_free(ctx_);
    }
    Floor(const Floor&) = delete;
    Floor& operator=(const Floor&) = delete;

    pid_t pid() const { return pid_; }

    // One side's streams, opened as open_side() opens them at the relay.
    SideStreams open_side() {
        const std::uint64_t id = ++sides_;
        SideStreams s;
        s.down = std::make_unique<Tls>(ctx_, port_);
        s.down->write(floor_hello('D', id));
        s.down->non_blocking();
        s.up = std::make_unique<Tls>(ctx_, port_);
        s.up->write(floor_hello('U', id) + ping_chunk());
        return s;
    }

private:
    pid_t pid_ = -1;
    int port_ = 0;
    SSL_CTX* ctx_ = nullptr;
    std::uint64_t sides_ = 0;
};

}  // namespace relay_bench
