// open / join: netcat through the relay. stdin goes to the peer, the peer's
// bytes go to stdout; status lines and errors go to stderr.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "tunnel/endpoint.h"
#include "session/mux.h"

namespace tether_tunnel {
namespace {

using namespace std::chrono_literals;
constexpr std::size_t kCopyBytes = 256 * 1024;  // per read(): few syscalls in bulk transfers

// One message to stderr as one whole line. The status callback, the stdin
// pump and the main thread print concurrently, and std::cerr is unbuffered:
// a line built with several << leaves in several writes that interleave
// with another thread's (CI saw "tether-tunnel: endedtether-tunnel:  (...").
void say_raw(const std::string& text) {
    static std::mutex mu;
    std::string line = text + "\n";
    std::lock_guard<std::mutex> lk(mu);
    std::cerr.write(line.data(), static_cast<std::streamsize>(line.size()));
    std::cerr.flush();
}

void say(const std::string& text) { say_raw("tether-tunnel: " + text); }

// Status changes, printed and remembered (the open side waits for the peer
// to leave before ending the session).
class StatusBoard {
public:
    explicit StatusBoard(bool verbose) : verbose_(verbose) {}

    session::StatusCallback callback() {
        return [this](const session::SessionStatus& s) { update(s); };
    }

    // True once the peer is gone (reconnecting or ended), false after `timeout`.
    bool wait_peer_gone(std::chrono::milliseconds timeout) {
        std::unique_lock<std::mutex> lk(mu_);
        return cv_.wait_for(lk, timeout, [&] {
            return state_ == session::SessionState::reconnecting || state_ == session::SessionState::ended;
        });
    }

private:
    void update(const session::SessionStatus& s) {
        std::lock_guard<std::mutex> lk(mu_);
        if (s.state == state_) return;  // RTT samples: not worth a line
        state_ = s.state;
        if (verbose_ || s.state == session::SessionState::connected)
            say(session::to_string(s.state) + (s.detail.empty() ? "" : " (" + s.detail + ")"));
        cv_.notify_all();
    }

    bool verbose_;
    std::mutex mu_;
    std::condition_variable cv_;
    session::SessionState state_ = session::SessionState::connecting;
};

bool write_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

// Waits until stdin has bytes or its end (true), or `wake_fd` became
// readable (false: stop).
bool stdin_ready(int wake_fd) {
    pollfd fds[2] = {{0, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    while (::poll(fds, 2, -1) < 0)
        if (errno != EINTR) return true;  // read() then reports the error
    return fds[1].revents == 0;
}

// stdin -> session, then end of stream, unless `wake_fd` stops it first.
// Returns the error message or "".
std::string copy_stdin(session::ByteStream& s, int wake_fd) {
    std::vector<char> buf(kCopyBytes);
    try {
        while (stdin_ready(wake_fd)) {
            ssize_t n = ::read(0, buf.data(), buf.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                s.shutdown_write();
                return "";
            }
            s.write(buf.data(), static_cast<std::size_t>(n));
        }
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

// copy_stdin on its own thread, which is always joined, never detached: it
// uses the stream and this object. stop() wakes a read() that waits for
// stdin (a self-pipe); a write() blocked in the stream throws once the
// caller closed the stream, so close it before stop().
class StdinPump {
public:
    explicit StdinPump(session::ByteStream& s) {
        if (::pipe(wake_) != 0) throw std::runtime_error("cannot create a pipe for the stdin thread");
        thread_ = std::thread([this, &s] { error_ = copy_stdin(s, wake_[0]); });
    }
    ~StdinPump() {
        stop();
        ::close(wake_[0]);
        ::close(wake_[1]);
    }
    StdinPump(const StdinPump&) = delete;
    StdinPump& operator=(const StdinPump&) = delete;

    // Waits for the end of stdin; the error message or "".
    std::string wait() {
        if (thread_.joinable()) thread_.join();
        return error_;
    }
    // Abandons the rest of stdin and joins the thread.
    void stop() {
        if (!thread_.joinable()) return;
        char b = 0;
        (void)!::write(wake_[1], &b, 1);
        thread_.join();
    }

private:
    int wake_[2] = {-1, -1};
    std::string error_;
    std::thread thread_;
};

// session -> stdout until the peer's end of stream. Throws on failure.
void copy_stdout(session::ByteStream& s) {
    std::vector<char> buf(kCopyBytes);
    while (std::size_t n = s.read(buf.data(), buf.size()))
        if (!write_all(1, buf.data(), n)) throw std::runtime_error("cannot write to stdout");
}

// The bytes' way to the peer: the session at the relay and, inside it
// (unless --e2e no), the end-to-end TLS layer and the mux's raw channel, the
// same stack tether-desk and tether-client use (docs/PROTOCOL.md).
// Members are destroyed mux first, session last.
struct Link {
    std::unique_ptr<tunnel::EndpointSession> session;
    std::unique_ptr<secure::SecureStream> secure;
    std::unique_ptr<session::Mux> mux;

    session::ByteStream& stream() { return mux ? mux->channel(session::Channel::raw) : *session; }
};

// Runs the end-to-end handshake (it waits for the peer) and prints the
// security code both sides must show; throws StreamError when it fails.
void secure_link(Link& l, secure::SecureRole role, const Options& o) {
    if (!o.e2e) {
        say("end-to-end encryption is OFF (--e2e no): the relay sees these bytes");
        return;
    }
    l.secure = tunnel::secure_session(*l.session, role);
    say_raw("security code: " + l.secure->auth_string() + " (the peer must show the same)\nTETHER_AUTH=" +
            l.secure->auth_string());
    l.mux = std::make_unique<session::Mux>(*l.secure);
}

// Ends both directions at once: blocked reads return and writes throw.
void abort_link(Link& l) {
    if (l.mux) l.mux->close();
    l.session->close();
}

// Both directions; 0 when both ended cleanly and the peer confirmed our bytes.
int run_stdio(Link& l, const Options& o) {
    tunnel::EndpointSession& s = *l.session;
    StdinPump up(l.stream());
    try {
        copy_stdout(l.stream());
    } catch (const std::exception& e) {
        say(e.what());
        abort_link(l);
        up.stop();
        return 1;
    }
    std::string up_error = up.wait();  // netcat semantics: wait for our own stdin EOF too
    if (!up_error.empty()) {
        say(up_error);
        return 1;
    }
    // Both directions are done: finish every mux channel, so that the mux
    // ends the secure layer and the session stream sends its fin, which the
    // peer acknowledges at once (not only with its next heartbeat).
    if (l.mux) l.mux->shutdown_write();
    // The peer acks what its application consumed, at least every heartbeat.
    if (!s.drain(10 * o.endpoint.base.heartbeat + 5s)) {
        say("the peer did not confirm our last bytes");
        return 1;
    }
    return 0;
}

// For scripts and tests (-v): how many carriers the session needed.
void print_stats(const tunnel::EndpointSession& s, const Options& o) {
    if (!o.verbose) return;
    session::SessionStats st = s.stats();
    say("stats: carriers=" + std::to_string(st.carriers) + " written=" + std::to_string(st.written) +
        " received=" + std::to_string(st.received));
}

int fail(const std::exception& e, int code) {
    say(e.what());
    return code;
}

// Exit status of `open` when its code expired before anyone joined.
constexpr int kExitCodeExpired = 4;

int code_expired(const tunnel::EndpointSession& s) {
    say("the code " + s.code() + " expired before anyone joined; run tether-tunnel open again for a new code");
    return kExitCodeExpired;
}

void print_code(const tunnel::EndpointSession& s) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(s.code_expires() -
                                                                      tunnel::EndpointSession::Clock::now());
    // For the person, then for scripts and tests.
    say_raw("code: " + s.code() + " (valid for " + tunnel::duration_words(left) +
            "; waiting for the peer as long as that)\nTETHER_CODE=" + s.code());
}

// Where the bytes go out (proxy.conf, environment, desktop, PAC/WPAD).
void print_route(const tunnel::Egress& e, const Options& o) {
    if (!o.verbose || e.plan.routes.empty()) return;
    say("route: " + e.plan.routes.front().why);
}

}  // namespace

int run_open(const Options& o) {
    StatusBoard board(o.verbose);
    Link l;
    try {
        tunnel::Egress egress = tunnel::prepare_egress(o.endpoint);
        print_route(egress, o);
        l.session = tunnel::open_session(*egress.detector, egress.plan, o.name, board.callback());
        print_code(*l.session);
        l.session->wait_for_peer();  // as long as the code lives, with or without --e2e
        secure_link(l, secure::SecureRole::desk, o);
    } catch (const session::CodeExpiredError&) {
        return code_expired(*l.session);
    } catch (const std::exception& e) {
        return fail(e, 1);
    }
    int rc = run_stdio(l, o);
    if (rc == 0) {
        // Our peer may still be waiting for our last ack: let it leave first
        // (bounded), then end the session so the code is dead at once.
        board.wait_peer_gone(5 * o.endpoint.base.heartbeat + 2s);
    }
    print_stats(*l.session, o);
    l.session->end();
    return rc;
}

int run_join(const Options& o) {
    StatusBoard board(o.verbose);
    Link l;
    try {
        tunnel::Egress egress = tunnel::prepare_egress(o.endpoint);
        print_route(egress, o);
        l.session = tunnel::join_session(*egress.detector, egress.plan, o.code, board.callback());
        secure_link(l, secure::SecureRole::client, o);
    } catch (const session::JoinError& e) {
        return fail(e, 3);
    } catch (const std::exception& e) {
        return fail(e, 1);
    }
    tunnel::EndpointSession* s = l.session.get();
    int rc = run_stdio(l, o);
    // Our ack of the desk's last bytes leaves within the ack delay (40 ms),
    // unless the carrier is being replaced right then; the desk's drain()
    // waits for it. Linger one heartbeat (the TIME_WAIT of this protocol),
    // then close.
    if (rc == 0) std::this_thread::sleep_for(o.endpoint.base.heartbeat + 100ms);
    print_stats(*s, o);
    s->close();
    return rc;
}

}  // namespace tether_tunnel
