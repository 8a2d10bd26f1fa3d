#include "relay/relay_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <condition_variable>
#include <stdexcept>
#include <thread>

#include "http_context.h"
#include "relay/dev_cert.h"
#include "thread_per_connection.h"

namespace relay {
namespace {

// httplib's listen backlog is 5 (baked into the .so): bursts of connections
// overflow it and clients wait a second for SYN retries.
constexpr int kListenBacklog = 4096;
// Sweeps (code expiry, grace periods, tombstones, idle rate buckets) run this often.
constexpr std::chrono::seconds kSweepInterval{1};
// Requests per kept-alive connection; poll mode sends many on one connection.
constexpr std::size_t kKeepAliveMaxCount = 1000000;
// Bodies read whole (JSON, poll-mode uploads of <= 1 MiB of frames) are
// bounded by this; 413 beyond. Chunked stream uplinks are read incrementally.
constexpr std::size_t kMaxRequestBody = (1 << 20) + 64 * 1024;

// Exposes httplib's listening socket to set a real backlog.
template <class Base>
class Listener : public Base {
public:
    using Base::Base;
    void deepen_backlog() { ::listen(this->svr_sock_, kListenBacklog); }
};

// Applied to the listening socket; accepted sockets inherit them.
void socket_options(int fd, std::chrono::milliseconds heartbeat) {
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // Unacknowledged data older than this fails the connection: a peer that
    // vanished (no FIN) is noticed within a few heartbeats of pings.
    unsigned user_timeout_ms = static_cast<unsigned>(std::max<long>(10000, 4 * heartbeat.count()));
    ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
}

// An idle uplink receives a ping every heartbeat: 3 missed ones plus margin.
std::chrono::seconds read_timeout(std::chrono::milliseconds heartbeat) {
    auto t = std::chrono::duration_cast<std::chrono::seconds>(heartbeat * 3) + std::chrono::seconds(9);
    return std::max(t, std::chrono::seconds(15));
}

}  // namespace

struct RelayServer::Impl {
    Impl(Config c, Log& l)
        : config(std::move(c)), log(l), directory(time, rng, limits(config), log),
          limiter(time, {config.join_rate_per_ip, config.join_rate_global}),
          create_limiter(time, {config.create_rate_per_ip, 0}), capture(config.capture_dir, config.tamper_offset),
          cx{config, log, metrics, directory, limiter, create_limiter, capture} {}

    static DirectoryLimits limits(const Config& c) {
        return {c.code_ttl, c.grace, c.tombstone_ttl, c.max_sessions, c.buffer_bytes};
    }

    void make_server();
    void wait_until_running();
    void configure();
    void sweep_loop();

    Config config;
    Log& log;
    SteadyTime time;
    CsprngSource rng;
    Metrics metrics;
    SessionDirectory directory;
    RateLimiter limiter;
    RateLimiter create_limiter;
    Capture capture;
    HttpContext cx;
    std::string dev_ca;
    std::unique_ptr<httplib::Server> server;
    std::function<void()> deepen_backlog;
    std::thread listen_thread, sweep_thread;
    std::mutex mutex;
    std::condition_variable stopping_cv;
    bool stopping = false;
};

void RelayServer::Impl::make_server() {
    if (config.plain_http) {
        auto s = std::make_unique<Listener<httplib::Server>>();
        deepen_backlog = [p = s.get()] { p->deepen_backlog(); };
        server = std::move(s);
        return;
    }
    if (config.dev) {
        if (config.state_dir.empty()) config.state_dir = default_state_dir();
        DevCertificate dc = ensure_dev_certificate(config.state_dir, config.dev_names);
        config.cert_file = dc.cert_file;
        config.key_file = dc.key_file;
        dev_ca = dc.cert_file;
    }
    if (config.cert_file.empty() || config.key_file.empty())
        throw std::runtime_error("no certificate: give --cert and --key, or --dev for a self-signed one");
    auto s = std::make_unique<Listener<httplib::SSLServer>>(config.cert_file.c_str(), config.key_file.c_str());
    if (!s->is_valid())
        throw std::runtime_error("cannot load the certificate " + config.cert_file + " or its key " + config.key_file);
    deepen_backlog = [p = s.get()] { p->deepen_backlog(); };
    server = std::move(s);
}

void RelayServer::Impl::configure() {
    httplib::Server& s = *server;
    s.new_task_queue = [] { return new ThreadPerConnection; };
    s.set_tcp_nodelay(true);
    s.set_socket_options([hb = config.heartbeat](socket_t fd) { socket_options(fd, hb); });
    s.set_keep_alive_max_count(kKeepAliveMaxCount);
    s.set_read_timeout(read_timeout(config.heartbeat));
    s.set_payload_max_length(kMaxRequestBody);
    s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (res.body.empty() && res.status == 404) send_error(res, ApiError::not_found);
    });
    s.set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        try {
            if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            log.write(LogLevel::error, "http", req.method + " " + req.path + ": " + e.what());
        } catch (...) {
        }
        send_error(res, ApiError::internal);
    });
    // httplib tries routes in registration order, one std::regex_match each:
    // the per-request routes of poll mode first, then streams, then the rest.
    register_poll(cx, s);
    register_stream(cx, s);
    register_api(cx, s);
    register_ops(cx, s);
}

// stop() is a no-op until httplib's accept loop runs; start() returns only
// once it does (bounded: a failing loop exits at once).
void RelayServer::Impl::wait_until_running() {
    for (int i = 0; i < 5000 && !server->is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void RelayServer::Impl::sweep_loop() {
    std::unique_lock<std::mutex> lock(mutex);
    while (!stopping_cv.wait_for(lock, kSweepInterval, [this] { return stopping; })) {
        lock.unlock();
        directory.sweep();
        limiter.sweep();
        create_limiter.sweep();
        lock.lock();
    }
}

RelayServer::RelayServer(Config config, Log& log) : impl_(std::make_unique<Impl>(std::move(config), log)) {
    impl_->make_server();
    impl_->configure();
}

RelayServer::~RelayServer() { stop(); }

int RelayServer::start() {
    Impl& i = *impl_;
    int port = i.config.listen_port;
    if (port == 0) {
        port = i.server->bind_to_any_port(i.config.listen_host);
    } else if (!i.server->bind_to_port(i.config.listen_host, port)) {
        port = -1;
    }
    if (port <= 0)
        throw std::runtime_error("cannot listen on " + i.config.listen_host + ":" +
                                 std::to_string(i.config.listen_port) + " (in use, or not an address of this host?)");
    i.deepen_backlog();
    i.listen_thread = std::thread([&i] { i.server->listen_after_bind(); });
    i.wait_until_running();
    i.sweep_thread = std::thread([&i] { i.sweep_loop(); });
    i.log.info("relay", std::string("listening on ") + scheme() + "://" + i.config.listen_host + ":" + std::to_string(port));
    return port;
}

void RelayServer::stop() {
    Impl& i = *impl_;
    {
        std::lock_guard<std::mutex> lock(i.mutex);
        if (i.stopping) return;
        i.stopping = true;
    }
    i.stopping_cv.notify_all();
    i.directory.end_all(EndCause::shutdown);
    i.server->stop();
    if (i.listen_thread.joinable()) i.listen_thread.join();
    if (i.sweep_thread.joinable()) i.sweep_thread.join();
}

void RelayServer::wait() {
    std::unique_lock<std::mutex> lock(impl_->mutex);
    impl_->stopping_cv.wait(lock, [this] { return impl_->stopping; });
}

const char* RelayServer::scheme() const { return impl_->config.plain_http ? "http" : "https"; }

std::string RelayServer::dev_ca_file() const { return impl_->dev_ca; }

}  // namespace relay
