// tether-client.exe: the customer's side on Windows, in its window
// (client/window_windows.cpp) or --headless: serves its screen (rfbserver/),
// takes the supporter's input only while F11 allows (wininput/), joins
// the supporter's session with the code through the relay (winnet/: our own socket, CONNECT with
// Basic/NTLM/Negotiate, SChannel; stream or poll mode chosen automatically),
// runs the end-to-end channel (secure/), shows the authentication string
// and sends and receives files while F12 is on (--allow-files). The same
// flags, sentences and exit codes as the Linux client (client/main.cpp).
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

#include "headless_windows.h"
#include "http1/http1.h"
#include "proxydetect/config.h"
#include "settings/tether_conf.h"
#include "options_windows.h"
#include "platform/dirs.h"
#include "proxydetect/explain.h"
#include "remote/program.h"
#include "remote/relay_connector_windows.h"
#include "routes_windows.h"
#include "warm_up_windows.h"
#include "window_windows.h"
#include "wire/allocator.h"
#include "wire/session_code.h"

namespace {

// Exit status when no session took place (wrong or expired code, relay or
// proxy unreachable, cancelled): the Linux client's (client/main.cpp), a
// runtime failure (settings/tether_conf.h).
constexpr int kExitNoSession = settings::kExitFailure;

client::HeadlessConfig headless_config(const client::WinOptions& o) {
    client::HeadlessConfig c;
    c.name = o.name;
    c.status_file = o.status_file;
    c.download_dir = o.download_dir.empty() ? platform::user_downloads_dir() : o.download_dir;
    c.allow_control = o.allow_control;
    c.allow_files = o.allow_files;
    c.send_files = o.send_files;
    c.file_rate_limit = o.file_rate_kib * 1024;
    return c;
}

// `first` (planned at start, so that the options' mistakes show before
// "Connecting...") serves the first connect (a PAC runs once, not twice);
// later connects plan again, so changed settings count.
std::unique_ptr<remote::ClientConnector> make_connector(const client::WinOptions& o, remote::WinPlan first) {
    auto next = std::make_shared<std::optional<remote::WinPlan>>(std::move(first));
    return std::make_unique<remote::WinnetClientConnector>([o, next] {
        if (!*next) return client::plan_routes(o);
        remote::WinPlan plan = std::move(**next);
        next->reset();
        return plan;
    });
}

void check_code(const std::string& code) {
    if (!wire::valid_session_code(code))
        throw std::runtime_error("--headless needs --code with the 6 to 9 digits from the supporter");
}

// The screen's part of the warm-up: its capture's start-up. Off with
// TETHER_WARM_UP_SCREEN=0, for bench_winscreen's before/after figures.
std::function<void()> screen_warm_up(client::HeadlessClient& app) {
    const char* off = std::getenv("TETHER_WARM_UP_SCREEN");
    if (off && *off == '0') return {};
    return [&app] { app.warm_up_screen(); };
}

// The window, with --code (if any) prefilled; the customer types the code
// and clicks Connect while the warm-up runs.
int run_window(const client::WinOptions& o) {
    client::HeadlessConfig cfg = headless_config(o);
    cfg.prompt_control = true;  // the window shows the supporter's request
    remote::WinPlan first = client::plan_routes(o);
    const winnet::Config first_route = first.routes.front().cfg;  // never empty: DIRECT is last
    client::HeadlessClient app(cfg, make_connector(o, std::move(first)));
    client::WarmUp warm(first_route, screen_warm_up(app));
    return client::run_window(app, o.code, cfg.download_dir);
}

int run(const client::WinOptions& o) {
    if (!o.headless) return run_window(o);
    remote::WinPlan first = client::plan_routes(o);
    const winnet::Config first_route = first.routes.front().cfg;  // never empty: DIRECT is last
    client::HeadlessClient app(headless_config(o), make_connector(o, std::move(first)));
    remote::stop_on_signals([&app] { app.stop(); });  // Ctrl+C ends the session cleanly
    // While the code is typed (--code -), else beside the connect.
    client::WarmUp warm(first_route, screen_warm_up(app));
    std::string code = remote::code_or_stdin(o.code, std::cin);
    check_code(code);
    std::string end = app.run(code);  // the whole session
    std::cerr << "tether-client: " << end << "\n";
    return app.failed() ? kExitNoSession : 0;
}

}  // namespace

int main(int argc, char** argv) {
    wire::tune_allocator_for_streaming();  // before any thread starts
    client::WinOptions o;
    try {
        o = client::parse_options(argc, argv);
        if (o.version) {
            std::cout << "tether-client " << http1::version() << "\n";
            return settings::kExitOk;
        }
        if (o.help) {
            client::print_help(std::cout);
            return settings::kExitOk;
        }
        if (o.headless && o.code != "-") check_code(o.code);
        if (o.check_config) {
            if (!o.proxy_conf.empty()) proxydetect::load_config_file(o.proxy_conf);  // throws FILE:LINE
            for (const auto& f : o.files_read) std::cout << f << ": OK\n";
            if (!o.proxy_conf.empty()) std::cout << o.proxy_conf << ": OK\n";
            if (o.files_read.empty() && o.proxy_conf.empty()) std::cout << "no settings file found: built-in defaults\n";
            return settings::kExitOk;
        }
    } catch (const std::exception& e) {  // the options, a TETHER_* variable, a settings file
        std::cerr << "tether-client: " << e.what() << " (see --help)\n";
        return settings::kExitUsage;
    }
    try {
        if (!o.explain.empty())  // the same words as `tether-proxydetect explain` on Linux
            return proxydetect::explain_command({o.explain, o.proxy_conf, false, {}, "tether-client"}, std::cout,
                                                std::cerr);
        return run(o);
    } catch (const std::exception& e) {
        std::cerr << "tether-client: " << e.what() << "\n";
        return settings::kExitFailure;
    }
}
