// tether-desk: the supporter's side. Opens a session, shows the code, shows
// the customer's screen, sends input when the customer allows it.
//
// Options: command line, then environment (TETHER_<OPTION>), then --config
// FILE. Where the channels come from: a remote::DeskConnector, chosen in
// make_connector(): the relay (session over the routes proxydetect proposes:
// proxy.conf, --proxy, environment, PAC/WPAD, with failover; end-to-end TLS;
// Mux), or the direct test/dev link.
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include <FL/Fl.H>
#include <boost/program_options.hpp>

#include "desk_app.h"
#include "desk_window.h"
#include "screen/direct.h"
#include "screen/recording.h"
#include "remote/program.h"
#include "remote/relay_connector.h"
#include "settings/settings_file.h"
#include "settings/tether_conf.h"
#include "tunnel/endpoint_options.h"
#include "tunnel/session_client.h"
#include "wire/allocator.h"

namespace po = boost::program_options;

namespace {

struct Options {
    desk::Config cfg;
    std::string direct_listen;
    tunnel::EndpointOptions endpoint;  // --relay, --ca, --proxy..., see endpoint_options.h
    int quality = -1;
    bool headless = false, start = false, renew = false;
    bool chat = false, no_session_record = false;  // issue 19
    std::string play;
    tunnel::SessionProgramOptions program;  // --help, --config, --status-file, --download-dir, --file-rate-limit
};

// Checked when read (settings::checked), so that tether.conf's line is named.
void check_quality(const int& q) {
    if (q < 0 || q > 9) throw std::invalid_argument("use 0 (smallest) to 9 (best)");
}

po::options_description describe(Options& o) {
    po::options_description d("tether-desk options");
    d.add_options()
        ("headless", po::bool_switch(&o.headless), "no window: start a session, serve --snapshot/--vnc-listen, exit when it ends")
        ("start", po::bool_switch(&o.start), "window: start a session at once")
        ("renew", po::bool_switch(&o.renew),
         "headless: when the code expires before the customer joined, get a new one (default: exit with status 4)")
        ("name", po::value(&o.cfg.name)->default_value("Supporter"), "your name, shown to the customer")
        ("snapshot", po::value(&o.cfg.snapshot), "write the first full frame to FILE.png")
        ("vnc-listen", settings::checked<std::string>(&o.cfg.vnc_listen, screen::check_host_port), "serve the customer's screen to any VNC viewer on HOST:PORT (no password: keep it on 127.0.0.1)")
        ("quality", settings::checked<int>(&o.quality, check_quality), "JPEG quality 0-9 for slow links (default: lossless)")
        ("send-file", po::value(&o.cfg.send_files)->composing(),
         "offer FILE to the customer once connected (repeatable; the customer must have file transfer on, F12)")
        ("chat", po::bool_switch(&o.chat),
         "headless: chat on stdin/stdout (each line typed is a message; each message shown is printed as "
         "\"[HH:MM:SS] Name: text\")")
        ("record-dir", po::value(&o.cfg.record_dir),
         "where the session record goes, one JSON-lines file per session (default: $XDG_DATA_HOME/tether/sessions)")
        ("no-session-record", po::bool_switch(&o.no_session_record), "write no session record")
        ("record", po::value(&o.cfg.screen_recording),
         "record the customer's screen into FILE (mode 0600; stays on this machine; replay with --play)")
        ("play", po::value(&o.play), "replay a recording made with --record in the window, at real speed")
        ("direct-listen", settings::checked<std::string>(&o.direct_listen, screen::check_host_port),
         "TEST/DEV ONLY: wait for a client's --direct-connect on HOST:PORT, no relay, no encryption");
    d.add(tunnel::session_program_options(o.program, "customer"));
    // --relay, --ca, --proxy-conf, --proxy..., --transport, --heartbeat-ms.
    d.add(tunnel::endpoint_options(o.endpoint));
    return d;
}

bool parse(int argc, char** argv, Options& o) {
    auto d = describe(o);
    if (!tunnel::parse_layered(argc, argv, d, "tether-desk", "Usage: tether-desk [options]", std::cout, &o.endpoint.config_files))
        return false;
    o.cfg.viewer.jpeg_quality = o.quality;
    o.cfg.status_file = o.program.status_file;
    o.cfg.download_dir = o.program.download_dir_or_default();
    o.cfg.file_rate_limit = o.program.file_rate_limit();
    if (o.renew && !o.headless) throw std::runtime_error("--renew is for --headless (the window offers a new code with one click)");
    if (o.cfg.record_dir.empty()) o.cfg.record_dir = remote::default_record_dir();
    if (o.no_session_record || !o.play.empty()) o.cfg.record_dir.clear();
    if (!o.play.empty() && o.headless) throw std::runtime_error("--play shows the recording in the window: leave out --headless");
    if (o.chat && !o.headless) throw std::runtime_error("--chat is for --headless (the window has its chat pane)");
    o.cfg.relay = o.endpoint.base.relay_url;
    o.cfg.on_expiry = !o.headless ? desk::OnExpiry::offer_new_code
                      : o.renew   ? desk::OnExpiry::renew
                                  : desk::OnExpiry::stop;
    return tunnel::settle_settings(o.endpoint, o.direct_listen.empty(), std::cout);
}

std::unique_ptr<remote::DeskConnector> make_connector(const Options& o) {
    if (!o.play.empty()) return std::make_unique<screen::PlaybackConnector>(o.play);
    if (!o.direct_listen.empty()) return std::make_unique<screen::DirectDeskConnector>(o.direct_listen);
    if (o.endpoint.base.relay_url.empty())
        throw std::runtime_error("no relay given: use --relay URL, TETHER_RELAY or relay = in --config");
    return std::make_unique<remote::RelayDeskConnector>(o.endpoint, o.cfg.name);
}

// Exit status of a headless desk whose code expired unused (without --renew).
constexpr int kExitCodeExpired = 4;

// Prints each new code for the supporter to read out.
void print_code(const remote::SessionCode& c) {
    std::cerr << "tether-desk: session code " << c.code;
    if (c.expires != remote::SessionCode{}.expires)
        std::cerr << " (valid for " << tunnel::duration_words(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           c.expires - std::chrono::steady_clock::now()))
                  << ")";
    std::cerr << std::endl;
}

int run_headless(desk::App& app, const Options& o) {
    if (o.chat) remote::chat_on_stdio(app, "tether-desk");
    app.on_code(print_code);
    std::uint64_t printed = 0;  // transfers that ended are printed as the window lists them (on_change is serialised)
    app.on_change([&] {
        for (const auto& line : remote::ended_lines(app.transfers(), "customer", printed))
            std::cerr << "tether-desk: " << line << "\n";
    });
    app.start();
    app.wait();
    app.on_change(nullptr);
    app.on_chat(nullptr);
    desk::View v = app.view();
    std::cerr << "tether-desk: " << v.status << "\n";
    if (v.phase == desk::Phase::expired) return kExitCodeExpired;
    return v.no_session ? settings::kExitFailure : settings::kExitOk;
}

// Session threads post at most one pending refresh/redraw each to FLTK.
std::atomic<bool> g_refresh_pending{false}, g_frame_pending{false};
void awake_refresh(void* w) {
    g_refresh_pending = false;
    static_cast<desk::Window*>(w)->refresh();
}
void awake_frame(void* w) {
    g_frame_pending = false;
    static_cast<desk::Window*>(w)->frame_changed();
}

int run_window(desk::App& app, const Options& o) {
    Fl::lock();
    desk::Window w(app);
    app.on_change([&w] { if (!g_refresh_pending.exchange(true)) Fl::awake(awake_refresh, &w); });
    app.on_pixels([&w](int fw, int fh) { w.viewer().resize_frame(fw, fh); },
                  [&w](const std::uint32_t* px, desktop::Rect r) {
                      w.viewer().copy_rect(px, r);
                      if (!g_frame_pending.exchange(true)) Fl::awake(awake_frame, &w);
                  });
    app.on_cursor([&w](const screen::RemoteCursor& c) {
        w.viewer().set_cursor(c);
        if (!g_frame_pending.exchange(true)) Fl::awake(awake_frame, &w);
    });
    w.show();
    if (o.start || !o.play.empty()) app.start();
    int rc = Fl::run();
    app.on_change(nullptr);
    app.end();
    app.wait();
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    wire::tune_allocator_for_streaming();  // before any thread starts
    Options o;
    return remote::run_program("tether-desk", [&] { return parse(argc, argv, o); }, [&] {
        // A damaged recording is refused whole, before any window (recording.h).
        if (!o.play.empty()) screen::check_recording(o.play);
        desk::App app(o.cfg, make_connector(o));
        if (!o.headless) return run_window(app, o);
        // SIGINT/SIGTERM end the session cleanly (the relay told).
        remote::stop_on_signals([&app] { app.end(); });  // before any thread starts
        return run_headless(app, o);
    });
}
