// A real nginx on 127.0.0.1:<free port> as a TLS-terminating reverse proxy in
// front of a relay, for end-to-end tests of poll mode. By default it keeps
// nginx's default buffering (proxy_buffering and proxy_request_buffering
// on): a realistic intermediary that holds streamed bodies, so stream mode
// cannot work through it. Runs in the foreground as a child, in its own
// temporary directory (config, logs, temp paths).
#pragma once

#include <memory>
#include <string>

#include "support/process.h"
#include "support/temp_dir.h"

namespace test_support {

struct NginxOptions {
    int upstream_port = 0;         // the relay's port on 127.0.0.1 (HTTPS)
    std::string cert_file;         // PEM certificate nginx presents
    std::string key_file;          // its key
    bool buffering = true;         // false: proxy_buffering/request_buffering off
    std::string max_body = "4m";   // client_max_body_size: longer request bodies get 413
};

class Nginx {
public:
    explicit Nginx(NginxOptions opts);  // returns once it accepts connections
    ~Nginx();
    int port() const { return port_; }
    std::string url(const std::string& host = "127.0.0.1") const;  // https://host:port
    std::string access_log() const;
    std::string error_log() const;
    // Stops nginx (cutting every connection) and starts it again on the same
    // port, with buffering on or off: a path that changes mid-session.
    void restart(bool buffering);

private:
    void write_config();
    void start();

    NginxOptions opts_;
    TempDir dir_;
    int port_;
    std::unique_ptr<Process> proc_;
};

}  // namespace test_support
