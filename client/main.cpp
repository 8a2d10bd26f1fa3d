// tether-client: lets a supporter see this screen; the customer keeps
// control with F11 (remote control) and F12 (file transfer).
//
// Options: command line, then environment (TETHER_<OPTION>, dashes as
// underscores), then --config FILE. Where the channels come from: a
// remote::ClientConnector, chosen in make_connector(): the relay (session
// over the routes proxydetect proposes: proxy.conf, --proxy, environment,
// PAC/WPAD, with failover; end-to-end TLS; Mux), or the direct test/dev link.
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include <FL/Fl.H>
#include <boost/program_options.hpp>

#include "client_app.h"
#include "client_window.h"
#include "screen/direct.h"
#include "remote/program.h"
#include "remote/relay_connector.h"
#include "settings/settings_file.h"
#include "settings/tether_conf.h"
#include "tunnel/endpoint_options.h"
#include "wire/allocator.h"
#include "wire/session_code.h"

namespace po = boost::program_options;

namespace {

struct Options {
    client::Config cfg;
    std::string code, direct_connect;
    tunnel::EndpointOptions endpoint;  // --relay, --ca, --proxy..., see endpoint_options.h
    bool headless = false;
    bool chat = false;  // issue 19: --chat
    tunnel::SessionProgramOptions program;  // --help, --config, --status-file, --download-dir, --file-rate-limit
};

po::options_description describe(Options& o) {
    po::options_description d("tether-client options");
    d.add_options()
        ("code", po::value(&o.code), "the code from the supporter, 6 digits (9 while the relay sees guessing) (prefills the window); "
                                     "with --headless, - reads it from stdin (one line) once the program is up")
        ("headless", po::bool_switch(&o.headless), "no window: connect with --code and serve until the session ends")
        ("allow-control", po::bool_switch(&o.cfg.initial.control), "start with remote control on (headless scripts)")
        ("allow-files", po::bool_switch(&o.cfg.initial.files), "start with file transfer on (headless scripts)")
        ("display", po::value(&o.cfg.display), "X display to share (default: $DISPLAY)")
        ("name", po::value(&o.cfg.name)->default_value("Customer"), "your name, shown to the supporter")
        ("send-file", po::value(&o.cfg.send_files)->composing(),
         "offer FILE to the supporter once connected (repeatable; needs file transfer on: F12 or --allow-files)")
        ("chat", po::bool_switch(&o.chat),
         "headless: chat on stdin/stdout (each line typed is a message; each message shown is printed as "
         "\"[HH:MM:SS] Name: text\"); with --code -, the first line is the code")
        ("direct-connect", settings::checked<std::string>(&o.direct_connect, screen::check_host_port),
         "TEST/DEV ONLY: connect to a desk's --direct-listen HOST:PORT, no relay, no encryption");
    d.add(tunnel::session_program_options(o.program, "supporter"));
    // --relay, --ca, --proxy-conf, --proxy..., --transport, --heartbeat-ms.
    d.add(tunnel::endpoint_options(o.endpoint));
    return d;
}

// The .desktop file runs `tether-client %u` for a tether://join/CODE link
// (the relay's join page, docs/RELAY.md "Join page"): such an argument
// prefills the code like --code. The other arguments are returned.
std::vector<char*> take_join_link(int argc, char** argv, std::string& code) {
    static const std::string scheme = "tether:";
    std::vector<char*> rest;
    for (int i = 0; i < argc; ++i) {
        const std::string arg = argv[i];
        bool is_link = i > 0 && arg.size() >= scheme.size();
        for (std::size_t k = 0; is_link && k < scheme.size(); ++k)
            is_link = std::tolower(static_cast<unsigned char>(arg[k])) == scheme[k];
        if (!is_link) {
            rest.push_back(argv[i]);
            continue;
        }
        code = wire::code_from_join_link(arg);
        if (code.empty()) throw std::runtime_error("not a join link: " + arg + " (tether://join/ and the 6 to 9 digits of the code)");
    }
    return rest;
}

// Returns false when the program should exit now (help shown).
bool parse(int argc, char** argv, Options& o) {
    auto d = describe(o);
    std::string linked_code;
    std::vector<char*> args = take_join_link(argc, argv, linked_code);
    if (!tunnel::parse_layered(static_cast<int>(args.size()), args.data(), d, "tether-client",
                               "Usage: tether-client [options] [tether://join/CODE]", std::cout, &o.endpoint.config_files))
        return false;
    if (!linked_code.empty()) o.code = linked_code;
    o.cfg.status_file = o.program.status_file;
    o.cfg.download_dir = o.program.download_dir_or_default();
    o.cfg.file_rate_limit = o.program.file_rate_limit();
    o.cfg.relay = o.endpoint.base.relay_url;
    if (o.chat && !o.headless) throw std::runtime_error("--chat is for --headless (the window has its chat pane)");
    if (o.headless && o.code != "-" && !wire::valid_session_code(o.code))  // "-": read once the program is up
        throw std::runtime_error("--headless needs --code with the 6 to 9 digits from the supporter");
    return tunnel::settle_settings(o.endpoint, o.direct_connect.empty(), std::cout);
}

std::unique_ptr<remote::ClientConnector> make_connector(const Options& o) {
    if (!o.direct_connect.empty()) return std::make_unique<screen::DirectClientConnector>(o.direct_connect);
    if (o.endpoint.base.relay_url.empty())
        throw std::runtime_error("no relay given: use --relay URL, TETHER_RELAY or relay = in --config");
    return std::make_unique<remote::RelayClientConnector>(o.endpoint);
}

// Exit codes (settings/tether_conf.h, docs/ARCHITECTURE.md "Exit codes"):
// no session took place (wrong or expired code, relay or proxy unreachable,
// cancelled) is a runtime failure, 1; 2 is only for usage and settings.
constexpr int kExitNoSession = settings::kExitFailure;

int run_headless(client::App& app, const Options& o) {
    std::string code = remote::code_or_stdin(o.code, std::cin);
    if (!wire::valid_session_code(code)) throw std::runtime_error("--headless needs --code with the 6 to 9 digits from the supporter");
    std::uint64_t printed = 0;  // transfers that ended are printed as the window lists them (on_change is serialised)
    app.on_change([&] {
        for (const auto& line : remote::ended_lines(app.transfers(), "supporter", printed))
            std::cerr << "tether-client: " << line << "\n";
    });
    app.connect(code);
    if (o.chat) remote::chat_on_stdio(app, "tether-client");  // after connect(): a line typed now waits for the supporter
    app.wait();
    app.on_change(nullptr);
    app.on_chat(nullptr);
    std::cerr << "tether-client: " << app.view().status << "\n";
    return app.view().failed ? kExitNoSession : 0;
}

void awake_refresh(void* w) { static_cast<client::Window*>(w)->refresh(); }

int run_window(client::App& app, const Options& o) {
    Fl::lock();  // enables Fl::awake from session threads
    client::Window w(app, o.code);
    app.on_change([&w] { Fl::awake(awake_refresh, &w); });
    w.show();
    int rc = Fl::run();
    app.on_change(nullptr);
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    wire::tune_allocator_for_streaming();  // before any thread starts
    Options o;
    return remote::run_program("tether-client", [&] { return parse(argc, argv, o); }, [&] {
        client::App app(o.cfg, make_connector(o));
        if (!o.headless) return run_window(app, o);
        // SIGINT/SIGTERM end the session cleanly (hotkeys released).
        remote::stop_on_signals([&app] { app.disconnect(); });  // before any thread starts
        return run_headless(app, o);
    });
}
