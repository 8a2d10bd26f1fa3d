#include "winclient_fixture.h"

#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "relay/dev_cert.h"
#include "session/fd_stream.h"
#include "support/net.h"

namespace wintest {

using test_support::ProcessOptions;

Args operator+(Args a, const Args& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

ProcessOptions exe_options(const Args& args, const std::string& prefix, const std::string& exe) {
    ProcessOptions o;
    o.argv = Args{WINE_RUN, exe} + args;
    o.env["TETHER_WINEPREFIX"] = prefix;
    o.unset_env = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                   "no_proxy", "NO_PROXY", "TETHER_PROXY_CONF", "DISPLAY"};
    o.stdin_path = "/dev/null";
    return o;
}

ProcessOptions on_display(const Args& argv, const std::string& display, const std::string& prefix) {
    ProcessOptions o = exe_options({}, prefix);
    o.argv = Args{WINE_RUN} + argv;
    o.env["DISPLAY"] = display;
    o.unset_env.erase(std::remove(o.unset_env.begin(), o.unset_env.end(), "DISPLAY"), o.unset_env.end());
    return o;
}

ProcessOptions linux_client_options(const Args& args) {
    ProcessOptions o;
    o.argv = Args{client_binary()} + args;
    o.unset_env = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"};
    o.stdin_path = "/dev/null";
    return o;
}

std::string lf(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i)
        if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
    return out;
}

Args relay_args(const test_support::Relay& relay) {
    return {"--relay", relay.url("localhost") + "/", "--ca", relay.ca_file()};
}

test_support::SquidOptions squid_options() {
    test_support::SquidOptions o;
    o.hosts = {{"localhost", "127.0.0.1"}};
    o.log_user_agent = true;
    return o;
}

SquidRoute::SquidRoute(const test_support::Relay& relay)
    : squid(squid_options()),
      route(relay_args(relay) + Args{"--proxy", squid.url()}),
      sentence("the relay localhost:" + std::to_string(relay.port()) + " through http proxy " + squid.host_port() +
               " (from command line --proxy)") {}

bool windows_tunnel_logged(test_support::Squid& squid, int relay_port, std::chrono::milliseconds limit) {
    return squid.wait_for_log(
        "TCP_TUNNEL/200 [0-9]+ CONNECT localhost:" + std::to_string(relay_port) + " .*\"Tether/[0-9.]+ \\(Windows\\)\"",
        limit);
}

NginxCert::NginxCert() {
    ::relay::DevCertificate made = ::relay::ensure_dev_certificate(dir.path(), "localhost");
    cert = made.cert_file;
    key = made.key_file;
}

namespace {

test_support::NginxOptions buffering_nginx_options(int relay_port, const NginxCert& cert) {
    test_support::NginxOptions o{relay_port, cert.cert, cert.key, /*buffering=*/true};
    o.max_body = "0";  // client_max_body_size 0: no limit
    return o;
}

}  // namespace

BufferingNginx::BufferingNginx(const test_support::Relay& relay)
    : nginx(buffering_nginx_options(relay.port(), cert)) {}

Args BufferingNginx::poll_route() const {
    return {"--relay", nginx.url("localhost") + "/", "--ca", cert.cert, "--transport", "poll"};
}

Session::Session(const Args& desk_route, const Args& desk_extra, const std::string& desk_display) {
    ProcessOptions o;
    o.argv = Args{desk_binary(), desk_display.empty() ? "--headless" : "--start", "--status-file", desk_status,
                  "--download-dir", desk_in.path()} +
             desk_route + desk_extra;
    o.unset_env = {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"};
    if (desk_display.empty()) o.unset_env.push_back("DISPLAY");
    else o.env["DISPLAY"] = desk_display;
    o.stdin_path = "/dev/null";
    desk = std::make_unique<test_support::Process>(o);
    if (!wait_until([&] { return code().size() == 6; }, 30s))
        throw std::runtime_error("tether-desk showed no code within 30 s");
}

std::string Session::code() const { return read_status(desk_status)["code"]; }

Args client_args(const Session& s, const std::string& download_dir) {
    return {"--headless", "--code", s.code_on_stdin ? "-" : s.code(), "--allow-files", "--status-file", s.client_status, "--download-dir",
            download_dir};
}

DeskPicture::DeskPicture(int port) : viewer_({}, {}) {
    if (!test_support::wait_for_port(port, std::chrono::seconds(30)))
        throw std::runtime_error("the desk's --vnc-listen port did not open");
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = test_support::loopback(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect to the desk");
    stream_ = session::make_fd_stream(fd);
    thread_ = std::thread([this] { viewer_.run(*stream_); });
}

DeskPicture::~DeskPicture() {
    viewer_.stop();
    stream_->close();
    thread_.join();
}

bool DeskPicture::shows(const desktop::Frame& want, std::chrono::milliseconds limit) {
    return wait_until(
        [&] {
            desktop::Frame f = viewer_.snapshot();
            return f.width == want.width && f.height == want.height && count_diff(f, want) == 0;
        },
        limit);
}

bool DeskPicture::shows_display(const std::string& display, std::chrono::milliseconds limit, desktop::Frame* last) {
    desktop::Frame now;
    bool same = wait_until(
        [&] {
            now = grab(display);
            desktop::Frame f = viewer_.snapshot();
            return f.width == now.width && f.height == now.height && count_diff(f, now) == 0;
        },
        limit);
    if (last) *last = now;
    return same;
}

void DeskPicture::type(const std::vector<std::uint32_t>& keysyms) {
    for (auto k : keysyms) {
        bool shifted = (k >= 'A' && k <= 'Z') || (k > 0 && k < 0x80 && std::strchr("~!@#$%^&*()_+{}|:\"<>?", static_cast<int>(k)));
        if (shifted) viewer_.send_key(0xffe1, true);  // Shift_L
        viewer_.send_key(k, true);
        viewer_.send_key(k, false);
        if (shifted) viewer_.send_key(0xffe1, false);
    }
}

void DeskPicture::click(int x, int y) {
    viewer_.send_pointer(x, y, 0);
    viewer_.send_pointer(x, y, 1);
    viewer_.send_pointer(x, y, 0);
}

bool DeskPicture::pixel_is(int x, int y, std::uint32_t rgb, std::chrono::milliseconds limit) {
    return wait_until(
        [&] {
            desktop::Frame f = viewer_.snapshot();
            return x < f.width && y < f.height && f.at(x, y) == rgb;
        },
        limit);
}

void Session::start_client(const Args& route, const Args& extra) {
    ProcessOptions o = exe_options(client_args(*this, "Z:" + client_in.path()) + route + extra, wine_prefix, exe);
    if (code_on_stdin) o.stdin_path.clear();  // a pipe
    client = std::make_unique<test_support::Process>(o);
}

void Session::start_linux_client(const std::string& display, const Args& route, const Args& extra) {
    ProcessOptions o =
        linux_client_options(client_args(*this, client_in.path()) + Args{"--display", display} + route + extra);
    if (code_on_stdin) o.stdin_path.clear();
    client = std::make_unique<test_support::Process>(o);
}

void Session::give_code() { client->write_stdin(code() + "\n"); }

int Session::end_desk(std::chrono::seconds limit) {
    desk->signal(SIGTERM);
    int code = -1;
    try {
        code = desk->wait(limit);
    } catch (const std::exception&) {
        // still running: the destructor below kills it
    }
    desk.reset();
    return code;
}

}  // namespace wintest
