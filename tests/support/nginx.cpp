#include "support/nginx.h"

#include <sstream>
#include <stdexcept>

#include "support/net.h"

namespace test_support {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(15);

// The relay's endpoints behind nginx, the way an operator who did not think
// about streaming would configure it: HTTP/1.1 upstream (for keep-alive), and
// otherwise nginx's defaults, buffering included.
std::string location_block(const NginxOptions& o) {
    std::ostringstream c;
    c << "    location / {\n"
      << "      proxy_pass https://127.0.0.1:" << o.upstream_port << ";\n"
      << "      proxy_http_version 1.1;\n"
      << "      proxy_set_header Connection \"\";\n"
      << "      proxy_ssl_verify off;\n"
      << "      proxy_read_timeout 60s;\n";
    if (!o.buffering) c << "      proxy_buffering off;\n      proxy_request_buffering off;\n";
    c << "    }\n";
    return c.str();
}

}  // namespace

Nginx::Nginx(NginxOptions opts) : opts_(std::move(opts)), dir_("tether-nginx"), port_(free_port()) {
    start();
}

void Nginx::restart(bool buffering) {
    proc_.reset();  // SIGTERM, then SIGKILL; reaped
    opts_.buffering = buffering;
    start();
}

void Nginx::start() {
    write_config();
    ProcessOptions o;
    o.argv = {"/usr/sbin/nginx", "-p", dir_.path(), "-c", dir_.file("nginx.conf"), "-e", dir_.file("error.log")};
    o.stdin_path = "/dev/null";
    proc_ = std::make_unique<Process>(o);
    if (!wait_for_port(port_, kStartTimeout))
        throw std::runtime_error("nginx did not start:\n" + error_log());
}

Nginx::~Nginx() { proc_.reset(); }

void Nginx::write_config() {
    std::ostringstream c;
    c << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
      << "pid " << dir_.file("nginx.pid") << ";\n"
      << "error_log " << dir_.file("error.log") << " info;\n"
      << "events { worker_connections 256; }\n"
      << "http {\n"
      << "  access_log " << dir_.file("access.log") << ";\n"
      << "  client_body_temp_path " << dir_.file("body") << ";\n"
      << "  proxy_temp_path " << dir_.file("proxy") << ";\n"
      << "  fastcgi_temp_path " << dir_.file("fastcgi") << ";\n"
      << "  uwsgi_temp_path " << dir_.file("uwsgi") << ";\n"
      << "  scgi_temp_path " << dir_.file("scgi") << ";\n"
      << "  client_max_body_size " << opts_.max_body << ";\n"
      << "  server {\n"
      << "    listen 127.0.0.1:" << port_ << " ssl;\n"
      << "    ssl_certificate " << opts_.cert_file << ";\n"
      << "    ssl_certificate_key " << opts_.key_file << ";\n"
      << location_block(opts_)
      << "  }\n}\n";
    dir_.write("nginx.conf", c.str());
}

std::string Nginx::url(const std::string& host) const {
    return "https://" + host + ":" + std::to_string(port_);
}
std::string Nginx::access_log() const { return read_file(dir_.file("access.log")); }
std::string Nginx::error_log() const { return read_file(dir_.file("error.log")); }

}  // namespace test_support
