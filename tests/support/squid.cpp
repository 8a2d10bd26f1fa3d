#include "support/squid.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "support/net.h"

namespace test_support {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(20);

bool requires_auth(const SquidOptions& o) { return !o.basic_user.empty() || o.ntlm || !o.digest_user.empty(); }

std::string auth_section(const SquidOptions& o, const TempDir& dir) {
    std::ostringstream c;
    if (!o.basic_user.empty()) {
        c << "auth_param basic program /usr/lib/squid/basic_ncsa_auth " << dir.file("htpasswd") << "\n"
          << "auth_param basic realm tether-test\n"
          << "auth_param basic children 2\n";
    }
    if (o.ntlm) {
        c << "auth_param ntlm program /usr/lib/squid/ntlm_fake_auth\n"
          << "auth_param ntlm children 2\n";
    }
    if (!o.digest_user.empty()) {
        c << "auth_param digest program /usr/lib/squid/digest_file_auth " << dir.file("digest-passwd") << "\n"
          << "auth_param digest realm tether-digest\n"
          << "auth_param digest children 2\n";
    }
    if (requires_auth(o)) c << "acl authed proxy_auth REQUIRED\n";
    return c.str();
}

std::string access_section(const SquidOptions& o) {
    std::ostringstream c;
    c << "acl lo src 127.0.0.0/8\n"
      << "acl CONNECT method CONNECT\n";
    if (o.deny_connect) c << "http_access deny CONNECT\n";
    if (requires_auth(o)) c << "http_access deny !authed\n";
    c << "http_access allow lo\n"
      << "http_access deny all\n";
    return c.str();
}

std::string hosts_text(const SquidOptions& o) {
    std::string t = "127.0.0.1 localhost\n";
    for (auto& h : o.hosts) t += h.second + " " + h.first + "\n";
    return t;
}

// ssl-bump, client first: bump at once (squid 5.7 with OpenSSL 3 fails to
// reach the server after `peek` of a TLS 1.3 hello here). The forged
// certificate names the CONNECT host in its CN, so use host names, not IPs.
std::string bump_section(const SquidOptions& o, const TempDir& dir) {
    if (o.bump_ca_cert.empty()) return "";
    std::ostringstream c;
    c << "sslcrtd_program /usr/lib/squid/security_file_certgen -s " << dir.file("ssl_db") << " -M 4MB\n"
      << "sslcrtd_children 2\n"
      << "ssl_bump bump all\n"
      << "tls_outgoing_options flags=DONT_VERIFY_PEER\n";
    return c.str();
}

std::string port_line(const SquidOptions& o, int port) {
    std::ostringstream c;
    c << "http_port 127.0.0.1:" << port;
    if (!o.bump_ca_cert.empty())
        c << " ssl-bump tls-cert=" << o.bump_ca_cert << " tls-key=" << o.bump_ca_key
          << " generate-host-certificates=on dynamic_cert_mem_cache_size=4MB";
    return c.str() + "\n";
}

}  // namespace

Squid::Squid(SquidOptions opts) : opts_(std::move(opts)), dir_("tether-squid"), port_(free_port()) {
    write_config();
    if (!opts_.basic_user.empty()) {
        auto r = run({"htpasswd", "-b", "-c", "-m", dir_.file("htpasswd"), opts_.basic_user,
                      opts_.basic_password});
        if (r.code != 0) throw std::runtime_error("htpasswd failed: " + r.output);
    }
    // digest_file_auth reads plain "user:password" lines.
    if (!opts_.digest_user.empty()) dir_.write("digest-passwd", opts_.digest_user + ":" + opts_.digest_password + "\n");
    if (!opts_.bump_ca_cert.empty()) {
        // Copies inside our directory, so that squid (as `proxy`) can read them.
        opts_.bump_ca_cert = dir_.write("bump-ca.pem", read_file(opts_.bump_ca_cert));
        opts_.bump_ca_key = dir_.write("bump-ca.key", read_file(opts_.bump_ca_key));
        write_config();
        auto r = run({"/usr/lib/squid/security_file_certgen", "-c", "-s", dir_.file("ssl_db"), "-M", "4MB"});
        if (r.code != 0) throw std::runtime_error("security_file_certgen failed: " + r.output);
    }
    chown_to_proxy();
    start();
}

Squid::~Squid() { stop(); }

namespace {

// squid's native format, plus (log_user_agent) the request's User-Agent in
// quotes at the end of each line: CONNECTs carry the client's too.
std::string access_log_lines(const SquidOptions& o, const TempDir& dir) {
    if (!o.log_user_agent) return "access_log stdio:" + dir.file("access.log") + "\n";
    return "logformat tether_ua %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt \"%{User-Agent}>h\"\n"
           "access_log stdio:" + dir.file("access.log") + " tether_ua\n";
}

}  // namespace

void Squid::write_config() {
    std::ostringstream c;
    c << port_line(opts_, port_)
      << "pid_filename " << dir_.file("squid.pid") << "\n"
      << "cache_log " << dir_.file("cache.log") << "\n"
      << access_log_lines(opts_, dir_)
      << "cache_store_log none\n"
      << "coredump_dir " << dir_.path() << "\n"
      << "cache deny all\n"
      << "cache_mem 8 MB\n"
      << "shutdown_lifetime 0 seconds\n"
      // Only names from hosts_file resolve; nothing answers on 127.0.0.1:53.
      << "dns_nameservers 127.0.0.1\n"
      << "hosts_file " << dir_.file("hosts") << "\n"
      << auth_section(opts_, dir_) << access_section(opts_) << bump_section(opts_, dir_);
    if (opts_.read_timeout_seconds > 0) c << "read_timeout " << opts_.read_timeout_seconds << " seconds\n";
    dir_.write("squid.conf", c.str());
    dir_.write("hosts", hosts_text(opts_));
}

void Squid::chown_to_proxy() {
    if (::geteuid() != 0) return;  // not root: squid runs as us
    passwd* pw = ::getpwnam("proxy");
    if (!pw) return;
    for (auto& e : std::filesystem::recursive_directory_iterator(dir_.path()))
        (void)::chown(e.path().c_str(), pw->pw_uid, pw->pw_gid);
    (void)::chown(dir_.path().c_str(), pw->pw_uid, pw->pw_gid);
}

void Squid::start() {
    ProcessOptions o;
    // -N: foreground, no SMP kids; -d 1: cache.log lines on stderr too.
    o.argv = {"/usr/sbin/squid", "-N", "-d", "1", "-f", dir_.file("squid.conf")};
    o.stdin_path = "/dev/null";
    // Seen under parallel test load: squid logged "Accepting" but nothing
    // answered on its port a moment later. Check that the port accepts, and
    // give squid one more start if it does not.
    for (int attempt = 1;; ++attempt) {
        proc_ = std::make_unique<Process>(o);
        try {
            proc_->wait_for_line(Process::Stream::err, "Accepting (SSL bumped )?HTTP Socket connections", kStartTimeout);
        } catch (const std::exception& e) {
            throw std::runtime_error(std::string("squid did not start: ") + e.what() + "\ncache.log:\n" + cache_log());
        }
        if (wait_for_port(port_, std::chrono::seconds(3))) return;
        if (attempt == 2)
            throw std::runtime_error("squid logged that it accepts connections, but port " +
                                     std::to_string(port_) + " does not answer\ncache.log:\n" + cache_log());
        proc_->kill_group(std::chrono::seconds(2));
    }
}

void Squid::stop() {
    if (!proc_) return;
    proc_->kill_group(std::chrono::seconds(5));
    proc_->wait(std::chrono::seconds(10));
    proc_.reset();
}

void Squid::crash() {
    if (!proc_) return;
    proc_->kill_group(std::chrono::milliseconds(0));  // SIGTERM and SIGKILL at once
    proc_->wait(std::chrono::seconds(10));
    proc_.reset();
}

void Squid::freeze() { proc_->signal(SIGSTOP); }
void Squid::thaw() { proc_->signal(SIGCONT); }

std::string Squid::url() const { return "http://" + host_port(); }
std::string Squid::host_port() const { return "127.0.0.1:" + std::to_string(port_); }
std::string Squid::access_log() const { return read_file(dir_.file("access.log")); }
std::string Squid::cache_log() const { return read_file(dir_.file("cache.log")); }

bool Squid::wait_for_log(const std::string& regex, std::chrono::milliseconds timeout, std::size_t from) {
    // squid appends to a file and cannot notify us: re-read every 50 ms.
    const std::regex rx(regex);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        std::string log = access_log();
        if (log.size() > from && std::regex_search(log.substr(from), rx)) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

}  // namespace test_support
