// tether-client.exe: the customer's side on Windows, in its window
// (client/window_windows.cpp) or --headless (no screen yet: issue 15): joins
// the supporter's session with the code through the relay (winnet/: our own socket, CONNECT with
// Basic/NTLM/Negotiate, SChannel; stream or poll mode chosen automatically),
// runs the end-to-end channel (secure/), shows the authentication string
// and sends and receives files while F12 is on (--allow-files). The same
// flags, sentences and exit codes as the Linux client (client/main.cpp).
#include <cstdint>
#include <iostream>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "e2e/crypto.h"
#include "headless_windows.h"
#include "options_windows.h"
#include "platform/dirs.h"
#include "proxydetect/explain.h"
#include "remote/program.h"
#include "remote/relay_connector_windows.h"
#include "routes_windows.h"
#include "window_windows.h"
#include "session/transport.h"
#include "wire/allocator.h"
#include "wire/session_code.h"

namespace {

// Exit status when no session took place (wrong or expired code, relay or
// proxy unreachable, cancelled): the Linux client's (client/main.cpp).
constexpr int kExitNoSession = 2;

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

std::unique_ptr<remote::ClientConnector> make_connector(const client::WinOptions& o) {
    session::TransportPolicy policy;
    if (!o.transport.empty()) policy.mode = session::parse_transport_mode(o.transport);
    // Planned now, so that the options' mistakes show before "Connecting...",
    // and used for the first connect (a PAC runs once, not twice); later
    // connects plan again, so changed settings count.
    auto first = std::make_shared<std::vector<remote::WinRoute>>(client::plan_routes(o));
    return std::make_unique<remote::WinnetClientConnector>(
        [o, first] { return first->empty() ? client::plan_routes(o) : std::exchange(*first, {}); }, policy);
}

// libgcrypt's Windows entropy gatherer runs at the first random bytes and
// takes ~1.1 s under wine (measured; ~0.5 ms later calls): started now, it
// runs beside the join and the wait for the desk instead of holding up the
// Noise handshake.
std::thread warm_up_randomness() {
    return std::thread([] {
        std::uint8_t b[1];
        e2e::random_bytes(b, sizeof b);
    });
}

// The window, with --code (if any) prefilled; the customer clicks Connect.
int run_window(const client::WinOptions& o) {
    client::HeadlessConfig cfg = headless_config(o);
    client::HeadlessClient app(cfg, make_connector(o));
    std::thread warm = warm_up_randomness();
    int status = client::run_window(app, o.code, cfg.download_dir);
    warm.join();
    return status;
}

int run(const client::WinOptions& o) {
    if (!o.headless) return run_window(o);
    if (!wire::valid_session_code(o.code))
        throw std::runtime_error("--headless needs --code with the 6 to 9 digits from the supporter");
    client::HeadlessClient app(headless_config(o), make_connector(o));
    remote::stop_on_signals([&app] { app.stop(); });  // Ctrl+C ends the session cleanly
    std::thread warm = warm_up_randomness();  // run() catches what its session throws
    std::string end = app.run(o.code);  // the whole session
    warm.join();  // long done
    std::cerr << "tether-client: " << end << "\n";
    return app.failed() ? kExitNoSession : 0;
}

}  // namespace

int main(int argc, char** argv) {
    wire::tune_allocator_for_streaming();  // before any thread starts
    try {
        client::WinOptions o = client::parse_options(argc, argv);
        if (o.help) {
            client::print_help(std::cout);
            return 0;
        }
        if (!o.explain.empty())  // the same words as `tether-proxydetect explain` on Linux
            return proxydetect::explain_command({o.explain, o.proxy_conf, false, {}, "tether-client"}, std::cout,
                                                std::cerr);
        return run(o);
    } catch (const std::exception& e) {
        std::cerr << "tether-client: " << e.what() << "\n";
        return 1;
    }
}
