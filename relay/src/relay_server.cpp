#include "relay/relay_server.h"

#include <pthread.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <condition_variable>
#include <stdexcept>
#include <thread>

#include <unistd.h>

#include "cluster_directory.h"
#include "cluster_routing.h"
#include "cluster_secret.h"
#include "connection_registry.h"
#include "cpu_allowance.h"
#include "http_context.h"
#include "listener.h"
#include "e2e/request_auth.h"
#include "relay/dev_cert.h"

namespace relay {
namespace {

// Sweeps (code expiry, grace periods, tombstones, idle rate buckets) run this often.
constexpr std::chrono::seconds kSweepInterval{1};
// On stop(), streams get this long to send their end frames before the io
// threads stop.
constexpr std::chrono::seconds kStopFlush{2};
// A draining node of a cluster answers /readyz 503 for this long before it
// releases its sessions, so that the load balancer (checks every 500 ms,
// fall 1: docs/RELAY.md) sends the endpoints' reconnects elsewhere.
constexpr std::chrono::milliseconds kHandoverDelay{1200};
// Descriptors kept for everything that is not a session's connection: the
// listener, log, certificate reads, a few strangers being refused.
constexpr std::size_t kSpareDescriptors = 64;
// A paired stream-mode session holds 4 connections (a downlink and an uplink per side).
constexpr std::size_t kDescriptorsPerSession = 4;

// Raises the soft open-file limit to the hard one (systemd's soft default
// of 1,024 would cap the relay at ~250 sessions); returns the soft limit.
std::size_t raise_open_file_limit() {
    rlimit r{};
    if (getrlimit(RLIMIT_NOFILE, &r) != 0) return 1024;
    if (r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
        getrlimit(RLIMIT_NOFILE, &r);
    }
    return static_cast<std::size_t>(r.rlim_cur);
}

// The live-session cap: --max-sessions if given and it fits, else what the
// descriptors allow after the spares and the strangers' share
// (--max-unauthenticated, at most a quarter of them).
std::size_t session_cap(const Config& c, std::size_t open_files) {
    const std::size_t strangers = std::min(c.max_unauthenticated ? c.max_unauthenticated : open_files / 4, open_files / 4);
    const std::size_t usable = open_files > kSpareDescriptors + strangers ? open_files - kSpareDescriptors - strangers : 0;
    const std::size_t derived = std::max<std::size_t>(1, usable / kDescriptorsPerSession);
    return c.max_sessions ? std::min(c.max_sessions, derived) : derived;
}

unsigned io_thread_count(const Config& c) {
    if (c.io_threads) return c.io_threads;
    return allowed_cores(std::max(1u, std::thread::hardware_concurrency()));
}

std::shared_ptr<boost::asio::ssl::context> load_tls(const Config& c) {
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    try {
        ctx->use_certificate_chain_file(c.cert_file);
        ctx->use_private_key_file(c.key_file, ssl::context::pem);
    } catch (const boost::system::system_error&) {
        throw std::runtime_error("cannot load the certificate " + c.cert_file + " or its key " + c.key_file);
    }
    // Idle connections give their TLS read/write buffers back (~34 KB each).
    SSL_CTX_set_mode(ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
    // One read() per arrival instead of two per record (header, then body):
    // an idle session's ping costs a system call less. Transport's readiness
    // wait asks SSL_has_pending, which counts what was read ahead.
    SSL_CTX_set_read_ahead(ctx->native_handle(), 1);
    return ctx;
}

// The options a running relay cannot change: SIGHUP names them in the log.
std::vector<std::string> needing_restart(const Config& a, const Config& b) {
    std::vector<std::string> out;
    auto check = [&out](const char* name, bool same) {
        if (!same) out.push_back(name);
    };
    check("listen", a.listen_host == b.listen_host && a.listen_port == b.listen_port);
    check("log-format", a.log_format == b.log_format);
    check("downloads-dir", a.downloads_dir == b.downloads_dir);
    check("dev", a.dev == b.dev);
    check("dev-names", a.dev_names == b.dev_names);
    check("plain-http", a.plain_http == b.plain_http);
    check("request-key", a.request_key_file == b.request_key_file);
    check("plain-listen", a.plain_listen_host == b.plain_listen_host && a.plain_listen_port == b.plain_listen_port);
    check("code-ttl", a.code_ttl == b.code_ttl);
    check("grace", a.grace == b.grace);
    check("tombstone-ttl", a.tombstone_ttl == b.tombstone_ttl);
    check("heartbeat", a.heartbeat == b.heartbeat);
    check("join-failures-per-ip", a.join_failures_per_ip == b.join_failures_per_ip);
    check("join-failures-per-prefix", a.join_failures_per_prefix == b.join_failures_per_prefix);
    check("join-alarm", a.join_alarm == b.join_alarm);
    check("long-code-digits", a.long_code_digits == b.long_code_digits);
    check("create-rate-per-ip", a.create_rate_per_ip == b.create_rate_per_ip);
    check("buffer-bytes", a.buffer_bytes == b.buffer_bytes);
    check("max-sessions", a.max_sessions == b.max_sessions);
    check("max-line-bytes", a.max_line_bytes == b.max_line_bytes);
    check("max-headers", a.max_headers == b.max_headers);
    check("max-head-bytes", a.max_head_bytes == b.max_head_bytes);
    check("head-timeout", a.head_timeout == b.head_timeout);
    check("min-body-rate", a.min_body_rate == b.min_body_rate);
    check("max-body-bytes", a.max_body_bytes == b.max_body_bytes);
    check("max-conns-per-ip", a.max_conns_per_ip == b.max_conns_per_ip);
    check("max-unauthenticated", a.max_unauthenticated == b.max_unauthenticated);
    check("io-threads", a.io_threads == b.io_threads);
    check("capture-dir", a.capture_dir == b.capture_dir);
    check("tamper-offset", a.tamper_offset == b.tamper_offset);
    check("redis", a.redis_url == b.redis_url);
    check("node-id", a.node_id == b.node_id);
    check("cluster-listen", a.cluster_listen_host == b.cluster_listen_host && a.cluster_listen_port == b.cluster_listen_port);
    check("cluster-advertise", a.cluster_advertise == b.cluster_advertise);
    check("cluster-secret-file", a.cluster_secret_file == b.cluster_secret_file);
    return out;
}

// The shared directory of a cluster (--redis), or nullptr for one relay.
std::unique_ptr<ClusterDirectory> make_cluster(const Config& c, Log& log) {
    if (c.redis_url.empty()) return nullptr;
    ClusterSettings s;
    try {
        s.redis = parse_redis_url(c.redis_url);
        s.secret = load_cluster_secret(c.cluster_secret_file);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("cluster: ") + e.what());
    }
    s.code_ttl = c.code_ttl;
    s.grace = c.grace;
    s.tombstone_ttl = c.tombstone_ttl;
    return std::make_unique<ClusterDirectory>(s, log);
}

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || !name[0]) return "relay";
    return name;
}

}  // namespace

struct RelayServer::Impl {
    Impl(Config c, Log& l)
        : config(std::move(c)), log(l), open_files(raise_open_file_limit()),
          cluster(make_cluster(config, log)),
          directory(time, rng, limits(config, open_files), log, cluster ? cluster->keys() : DirectoryKeys{}),
          guard(time, guard_limits(config)),
          create_limiter(time, {config.create_rate_per_ip, 0}), capture(config.capture_dir, config.tamper_offset),
          refusals(log, metrics), registry(config.max_conns_per_ip, config.max_unauthenticated),
          heartbeats(config.heartbeat),
          key(config.request_key_file.empty() ? fresh_relay_key() : load_or_create_relay_key(config.request_key_file)),
          cx{config, log, metrics, directory, guard, create_limiter, capture, refusals, heartbeats, key} {
        cx.cluster = cluster.get();
        if (cluster) directory.set_end_hook([c = cluster.get()](const EndedKeys& k) { c->ended(k); });
    }

    static DirectoryLimits limits(const Config& c, std::size_t open_files) {
        return {c.code_ttl, c.grace, c.tombstone_ttl, session_cap(c, open_files), c.buffer_bytes};
    }

    static GuardLimits guard_limits(const Config& c) {
        return {c.join_failures_per_ip, c.join_failures_per_prefix, c.join_alarm, c.code_ttl, c.code_ttl,
                c.long_code_digits};
    }

    void load_certificate();
    void sweep();
    void beat();

    Config config;
    Log& log;
    std::size_t open_files;
    SteadyTime time;
    CsprngSource rng;
    Metrics metrics;
    std::unique_ptr<ClusterDirectory> cluster;  // --redis, else nullptr
    SessionDirectory directory;
    JoinGuard guard;
    RateLimiter create_limiter;
    Capture capture;
    RefusalLog refusals;
    ConnectionRegistry registry;
    HeartbeatSweep heartbeats;
    RelayKey key;
    HttpContext cx;
    std::string dev_ca;
    std::mutex tls_mutex;
    std::shared_ptr<boost::asio::ssl::context> tls;  // nullptr with --plain-http
    // Declared after everything a connection refers to: destroying the
    // io_context destroys the connections still held by its handlers.
    // The hint is the thread count: with 1, Asio keeps a handler's posts on
    // its own thread's queue (no reactor interrupt, no lock hand-off).
    std::unique_ptr<boost::asio::io_context> ioc =
        std::make_unique<boost::asio::io_context>(static_cast<int>(io_thread_count(config)));
    std::unique_ptr<Listener> listener;
    std::unique_ptr<Listener> plain_listener;  // --plain-listen, or none
    int plain_port = -1;
    // A cluster's node-to-node listener: no per-address caps (every
    // connection comes from a node; the edge node applied them).
    ConnectionRegistry cluster_registry{0, 0};
    std::unique_ptr<Listener> cluster_listener;
    int cluster_port = -1;
    bool released = false;  // a cluster drain handed the sessions over
    std::unique_ptr<boost::asio::steady_timer> sweep_timer;
    std::unique_ptr<boost::asio::steady_timer> heartbeat_timer;  // ticks heartbeats every heartbeats.period()
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::condition_variable stopping_cv;
    bool stopping = false;
};

void RelayServer::Impl::load_certificate() {
    if (config.plain_http) return;
    if (config.dev) {
        if (config.state_dir.empty()) config.state_dir = default_state_dir();
        DevCertificate dc = ensure_dev_certificate(config.state_dir, config.dev_names);
        config.cert_file = dc.cert_file;
        config.key_file = dc.key_file;
        dev_ca = dc.cert_file;
    }
    if (config.cert_file.empty() || config.key_file.empty())
        throw std::runtime_error("no certificate: give --cert and --key, or --dev for a self-signed one");
    auto ctx = load_tls(config);
    std::lock_guard<std::mutex> lock(tls_mutex);
    tls = std::move(ctx);
}

void RelayServer::Impl::sweep() {
    sweep_timer->expires_after(kSweepInterval);
    sweep_timer->async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        directory.sweep();
        if (guard.sweep()) log.warn("join guard", "lowered: failed joins fell below --join-alarm; new codes have 6 digits again");
        metrics.join_guard_up = guard.raised() ? 1 : 0;
        create_limiter.sweep();
        sweep();
    });
}

// The downlinks' heartbeats: one timer for all of them (heartbeat_sweep.h).
void RelayServer::Impl::beat() {
    heartbeat_timer->expires_after(heartbeats.period());
    heartbeat_timer->async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        heartbeats.tick(SteadyClock::now());
        beat();
    });
}

RelayServer::RelayServer(Config config, Log& log) : impl_(std::make_unique<Impl>(std::move(config), log)) {
    impl_->load_certificate();
}

RelayServer::~RelayServer() { stop(); }

int RelayServer::start() {
    Impl& i = *impl_;
    i.listener = std::make_unique<Listener>(*i.ioc, i.cx, i.registry, [&i] {
        std::lock_guard<std::mutex> lock(i.tls_mutex);
        return i.tls;
    });
    const int port = i.listener->bind(i.config.listen_host, i.config.listen_port);
    i.listener->start();
    if (i.config.plain_listen_port >= 0) {
        i.plain_listener = std::make_unique<Listener>(*i.ioc, i.cx, i.registry,
                                                      [] { return std::shared_ptr<boost::asio::ssl::context>(); });
        i.plain_port = i.plain_listener->bind(i.config.plain_listen_host, i.config.plain_listen_port);
        i.plain_listener->start();
    }
    if (i.cluster) start_cluster(port);
    i.sweep_timer = std::make_unique<boost::asio::steady_timer>(*i.ioc);
    i.sweep();
    i.heartbeat_timer = std::make_unique<boost::asio::steady_timer>(*i.ioc);
    i.beat();
    const unsigned n = io_thread_count(i.config);
    for (unsigned t = 0; t < n; ++t)
        i.threads.emplace_back([&i] {
            ::pthread_setname_np(::pthread_self(), "relay-io");  // top -H, perf, bench_cluster
            i.ioc->run();
        });
    i.log.info("relay", "open-file limit " + std::to_string(i.open_files) + ": at most " +
                            std::to_string(session_cap(i.config, i.open_files)) + " sessions, " + std::to_string(n) +
                            " io threads");
    i.log.info("relay", "request key (proxy.conf relay_key, for plain HTTP): " + e2e::to_hex(i.key.public_key) +
                            (i.config.request_key_file.empty() ? " (this run only)" : " from " + i.config.request_key_file));
    if (i.plain_listener)
        i.log.info("relay", "listening on http://" + i.config.plain_listen_host + ":" + std::to_string(i.plain_port) +
                                " (plain HTTP, for proxies that refuse CONNECT: requests MACed)");
    i.log.info("relay", std::string("listening on ") + scheme() + "://" + i.config.listen_host + ":" + std::to_string(port));
    return port;
}

// The cluster listener, this node's id and address in Redis.
void RelayServer::start_cluster(int public_port) {
    Impl& i = *impl_;
    i.cluster_listener = std::make_unique<Listener>(
        *i.ioc, i.cx, i.cluster_registry, [] { return std::shared_ptr<boost::asio::ssl::context>(); }, true);
    i.cluster_port = i.cluster_listener->bind(i.config.cluster_listen_host, i.config.cluster_listen_port);
    std::string advertise = i.config.cluster_advertise;
    if (advertise.empty()) {
        const std::string& h = i.config.cluster_listen_host;
        if (h == "0.0.0.0" || h == "::")
            throw std::runtime_error("--cluster-listen " + h + " is every address: give --cluster-advertise HOST:PORT, the one other nodes dial");
        advertise = (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + std::to_string(i.cluster_port);
    }
    const std::string node = i.config.node_id.empty() ? host_name() + ":" + std::to_string(public_port) : i.config.node_id;
    i.cluster->start(node, advertise, [&i] { return i.directory.desk_keys(); },
                     [&i](const std::string& id, const std::string& client_key, const std::string& client_pub) {
                         apply_remote_join(i.cx, id, client_key, client_pub);
                     });
    i.cluster_listener->start();
    i.log.info("cluster", "node " + node + ": cluster listener on " + i.config.cluster_listen_host + ":" +
                              std::to_string(i.cluster_port) + " (advertised as " + advertise + "), directory " +
                              i.config.redis_url + (i.cluster->available() ? "" : " (unreachable for now)"));
}

void RelayServer::stop() {
    Impl& i = *impl_;
    {
        std::lock_guard<std::mutex> lock(i.mutex);
        if (i.stopping) return;
        i.stopping = true;
    }
    i.stopping_cv.notify_all();
    if (i.listener) i.listener->close();
    if (i.plain_listener) i.plain_listener->close();
    if (i.cluster_listener) i.cluster_listener->close();
    i.directory.end_all(EndCause::shutdown);
    // Bounded wait for the streams to send their end frames and finish; a
    // plain sleep loop, as this runs once, on the way out. Carriers of
    // sessions handed over (a cluster's drain) are closed at once instead.
    const auto until = std::chrono::steady_clock::now() + kStopFlush;
    while (!i.released && (i.metrics.open_downlinks > 0 || i.metrics.open_uplinks > 0) &&
           std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    i.ioc->stop();
    for (auto& t : i.threads) t.join();
    i.threads.clear();
    i.sweep_timer.reset();
    i.heartbeat_timer.reset();
    i.listener.reset();
    i.plain_listener.reset();
    i.cluster_listener.reset();
    i.ioc.reset();  // destroys the connections its handlers still held
    if (i.cluster) i.cluster->stop(/*leave=*/true);  // tombstones of the ended sessions, then the liveness key
}

void RelayServer::wait() {
    std::unique_lock<std::mutex> lock(impl_->mutex);
    impl_->stopping_cv.wait(lock, [this] { return impl_->stopping; });
}

void RelayServer::reload(const Config& fresh) {
    Impl& i = *impl_;
    i.log.set_level(fresh.log_level);
    for (const std::string& name : needing_restart(i.config, fresh))
        i.log.warn("relay", "reload: --" + name + " changed; it takes effect after a restart");
    if (i.config.plain_http) return;
    Config files = i.config;  // the --dev certificate stays where it was made
    if (!fresh.dev) {
        files.cert_file = fresh.cert_file;
        files.key_file = fresh.key_file;
    }
    try {
        auto ctx = load_tls(files);
        std::lock_guard<std::mutex> lock(i.tls_mutex);
        i.tls = std::move(ctx);
        i.config.cert_file = files.cert_file;  // read by nothing but reload()
        i.config.key_file = files.key_file;
    } catch (const std::exception& e) {
        i.log.warn("relay", std::string("reload: ") + e.what() + "; the previous certificate stays in use");
        return;
    }
    i.log.info("relay", "reload: certificate " + files.cert_file + " serves new connections");
}

void RelayServer::begin_drain() {
    Impl& i = *impl_;
    i.cx.draining = true;
    i.directory.refuse_new_sessions();
    if (!i.cluster) {
        i.log.info("relay", "draining: no new sessions; running ones go on until they end or the drain time is over");
        return;
    }
    i.log.info("cluster", "draining: /readyz answers 503; handing the sessions over to the other nodes");
    std::this_thread::sleep_for(kHandoverDelay);
    const std::vector<std::string> ids = i.directory.release_all();
    std::size_t released = 0;
    for (const auto& id : ids) {
        std::string home;
        if (i.cluster->claim(id, i.cluster->node_id(), "", home) == Found::yes && home.empty()) ++released;
    }
    i.released = true;
    i.log.info("cluster", "drain: released " + std::to_string(released) + " of " + std::to_string(ids.size()) +
                              " sessions in Redis; closing their carriers (the endpoints reconnect to another node)");
}

std::size_t RelayServer::live_sessions() const {
    const DirectoryCounts c = impl_->directory.counts();
    return c.waiting + c.connected + c.reconnecting;
}

int RelayServer::plain_port() const { return impl_->plain_port; }

int RelayServer::cluster_port() const { return impl_->cluster_port; }

const char* RelayServer::scheme() const { return impl_->config.plain_http ? "http" : "https"; }

std::string RelayServer::dev_ca_file() const { return impl_->dev_ca; }

}  // namespace relay
