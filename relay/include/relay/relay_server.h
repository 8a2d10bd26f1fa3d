// tether-relay as a library: the HTTP(S) server with the session API, the
// stream and poll carriers, /healthz and /metrics. Tests run it in-process.
#pragma once

#include <memory>

#include "relay/config.h"
#include "relay/log.h"

namespace relay {

class RelayServer {
public:
    // Loads the certificate (or makes the --dev one). Throws
    // std::runtime_error with a sentence for the operator.
    RelayServer(Config config, Log& log);
    ~RelayServer();  // stop()s

    // Binds and serves on background threads; returns the bound port.
    int start();
    // Ends every session (end(relay_shutdown)), stops serving, joins threads.
    void stop();
    // Blocks until stop() was called (from a signal thread, say).
    void wait();
    // SIGHUP: reloads the certificate and key (the files `fresh` names, or
    // the --dev ones) for new connections and applies the log level; running
    // sessions and connections are untouched. Other changed options are
    // named in the log as needing a restart. A certificate that does not
    // load is logged and the old one kept.
    void reload(const Config& fresh);
    // SIGTERM: from now on POST /v1/sessions answers 503 busy and /readyz
    // 503 draining; running sessions (and joins to waiting ones) go on. The
    // caller stop()s when live_sessions() is 0 or its drain time is over.
    // In a cluster (--redis) it hands the sessions over instead: after a
    // moment for the load balancer to see /readyz, each session's home in
    // Redis becomes "" (released) and it leaves this node's directory, so
    // live_sessions() is 0 and stop() closes their carriers without ending
    // them; the endpoints reconnect through the balancer and another node
    // adopts each session. Blocks for that moment (the signal thread).
    void begin_drain();
    std::size_t live_sessions() const;
    // The --plain-listen port once started (-1: none).
    int plain_port() const;
    // The --cluster-listen port once started (-1: no cluster).
    int cluster_port() const;
    // The scheme, for "listening on https://HOST:PORT".
    const char* scheme() const;
    // The certificate endpoints should trust (--dev), else empty.
    std::string dev_ca_file() const;

private:
    void start_cluster(int public_port);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace relay
