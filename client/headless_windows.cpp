#include "headless_windows.h"

#include <iostream>
#include <thread>

#include "remote/status.h"
#include "trace_windows.h"
#include "windesktop/capture.h"

namespace client {
namespace {

remote::FileServiceOptions file_options(const HeadlessConfig& cfg, std::atomic<bool>& allowed) {
    remote::FileServiceOptions o;
    o.download_dir = cfg.download_dir;
    o.rate_limit = cfg.file_rate_limit;
    o.consent = [&allowed] { return allowed.load(); };  // checked for every offer and chunk
    return o;
}

}  // namespace

HeadlessClient::HeadlessClient(HeadlessConfig cfg, std::unique_ptr<remote::ClientConnector> connector)
    : cfg_(std::move(cfg)), connector_(std::move(connector)),
      files_(file_options(cfg_, files_allowed_), [this] { update([](View&) {}); }),
      consent_(injected_, [this](const std::string& s) { update([&](View& v) { v.status = s; }); }),
      screen_(windesktop::make_gdi_capture(), wininput::make_sendinput_injector(injected_)) {
    update([](View&) {});  // first status file
}

void HeadlessClient::update(const std::function<void(View&)>& f) {
    std::lock_guard<std::mutex> lk(mu_);
    f(view_);
    auto rows = files_.rows();
    remote::write_status_file(cfg_.status_file, remote::customer_status_lines(view_, cfg_.download_dir, rows));
    for (const auto& line : remote::ended_lines(rows, "supporter", printed_)) std::cerr << "tether-client: " << line << "\n";
    if (notify_) notify_();
}

void HeadlessClient::stop() {
    std::lock_guard<std::mutex> lk(session_mu_);
    stopped_ = true;
    if (control_) control_->stop();
    else connector_->cancel();
}

void HeadlessClient::toggle_control() {
    std::lock_guard<std::mutex> lk(session_mu_);
    if (control_) control_->toggle_control();
}

void HeadlessClient::toggle_files() {
    std::lock_guard<std::mutex> lk(session_mu_);
    if (control_) control_->toggle_files();
}

void HeadlessClient::answer_control_request(bool allow) {
    {
        std::lock_guard<std::mutex> lk(session_mu_);
        if (!control_) return;
        control_->answer_control_request(allow);  // Allow: on_consent clears the prompt
    }
    update([&](View& v) {
        v.control_asked = false;
        if (!allow) v.status = remote::control_declined_status(v.peer);
    });
}

std::string HeadlessClient::run(const std::string& code) {
    auto status = [this](const std::string& s) { update([&](View& v) { v.status = s; }); };
    update([](View& v) { v.active = true; });
    auto trace = tracer();
    if (trace) trace("connect");
    std::string end;
    bool linked = false;  // reached the supporter: "Session ended", else "Could not connect"
    try {
        auto link = connector_->connect(code, status);
        if (!link) throw std::runtime_error("cancelled");
        linked = true;
        if (trace) trace("linked");
        update([&](View& v) {
            v.auth = link->auth_string();
            v.route = link->route();
        });
        // The same string the supporter's screen shows: compared on the phone.
        std::cerr << "tether-client: authentication string " << link->auth_string() << std::endl;
        remote::CustomerEvents ev;
        ev.on_peer = [this](const std::string& n) {
            consent_.set_supporter(n);
            update([&](View& v) { v.peer = n; v.status = "Connected to " + (n.empty() ? "your supporter" : n); });
        };
        if (cfg_.prompt_control)
            ev.on_control_request = [this] { update([](View& v) { v.control_asked = true; }); };
        ev.on_consent = [this](remote::ConsentState s) {
            files_allowed_ = s.files;
            update([&](View& v) {
                v.consent = s;
                if (s.control) v.control_asked = false;  // answered with Allow or F11
            });
            files_.consent_changed(s.files);  // off: every transfer stops now, both ways
            screen_.consent_changed(s);        // control off: release the desk's held keys
            consent_.consent_changed(s);       // the bar
        };
        remote::CustomerControl control(cfg_.name, remote::ConsentState{false, cfg_.allow_files}, ev);
        {
            std::lock_guard<std::mutex> lk(session_mu_);
            if (stopped_) control.stop();
            control_ = &control;
        }
        if (cfg_.allow_control) control.toggle_control();  // before run(): its first consent message says so
        status("Connected, waiting for the supporter...");
        consent_.start(control);  // F11/F12 for this session
        if (trace) trace("consent started");
        end = serve(control, link->channels());
        consent_.stop();
        std::lock_guard<std::mutex> lk(session_mu_);
        control_ = nullptr;
    } catch (const std::exception& e) {
        end = e.what();
    }
    {
        std::lock_guard<std::mutex> lk(session_mu_);
        stopped_ = false;  // a Disconnect ends this session, not the window's next one
    }
    files_allowed_ = false;
    update([&](View& v) {
        v.active = false;
        v.failed = !linked;
        v.consent = {};
        v.control_asked = false;
        v.auth.clear();
        v.route.clear();
        v.status = (linked ? "Session ended: " : "Could not connect: ") + end;
    });
    std::lock_guard<std::mutex> lk(mu_);
    return view_.status;
}

// Control, the screen and file transfer over one link, until the session ends.
std::string HeadlessClient::serve(remote::CustomerControl& control, remote::Channels ch) {
    bool files = false;
    if (ch.file) {
        try {
            files_allowed_ = control.consent().files;  // before start(): the first offer may come at once
            files_.start(*ch.file);
            files = true;
            for (const auto& path : cfg_.send_files) files_.send(path);
        } catch (const std::exception& e) {
            update([&](View& v) { v.status = std::string("File transfer is unavailable: ") + e.what(); });
        }
    }
    std::thread screen([&] {  // ends when the desk or control.run() closes ch.rfb
        std::string failed = screen_.serve(ch.rfb, control.live_consent());
        if (!failed.empty()) std::cerr << "tether-client: the screen could not be shown: " << failed << std::endl;
    });
    // Whatever ends run(), the screen's thread is joined before `screen`
    // goes out of scope (a joinable std::thread destroyed is std::terminate),
    // and run()'s caller still stops the consent bar and forgets `control`.
    std::string end;
    try {
        end = control.run(ch);  // closes ch.rfb at the end
    } catch (const std::exception& e) {
        end = e.what();
        ch.rfb.close();  // run() did not: this ends the screen's server
    }
    screen_.stop();
    screen.join();
    if (files) files_.stop();
    return end;
}

}  // namespace client
