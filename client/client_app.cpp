#include "client_app.h"

#include <algorithm>

#include "remote/status.h"
#include "x11desktop/x11.h"

namespace client {
namespace {

// The file channel obeys F12 of the session being served: the predicate is
// checked for every offer and chunk (files::Options::consent).
remote::FileServiceOptions file_options(const Config& cfg, std::atomic<screen::ClientSession*>& live) {
    remote::FileServiceOptions o;
    o.download_dir = cfg.download_dir;
    o.rate_limit = cfg.file_rate_limit;
    o.consent = [&live] {
        screen::ClientSession* s = live.load();
        return s != nullptr && s->consent().files;
    };
    return o;
}

}  // namespace

App::App(Config cfg, std::unique_ptr<remote::ClientConnector> connector)
    : cfg_(std::move(cfg)), connector_(std::move(connector)),
      files_(file_options(cfg_, consent_of_), [this] {
          record_files();
          update([](View&) {});
      }),
      chat_out_(session_mu_, {cfg_.name, "Not sent: you are not connected to a supporter.",
                              "Not sent: 100 messages wait already.", [this] { return view().active; },
                              [this](const remote::ChatLine& l) { add_chat(l); },
                              [this](const std::string& why) { chat_refused(why); }}) {
    update([](View&) {});  // first status file
}

App::~App() {
    disconnect();
    wait();
}

void App::update(const std::function<void(View&)>& f) {
    std::lock_guard<std::mutex> lk(mu_);
    f(view_);
    auto kv = remote::customer_status_lines(view_, cfg_.download_dir, files_.rows());
    // Issue 19: what the chat pane and the record view show.
    auto chat = chat_.lines();
    kv.emplace_back("chat_unread", std::to_string(chat_.unread()));
    kv.emplace_back("chat_error", chat_error_);
    kv.emplace_back("chat_count", std::to_string(chat.size()));
    for (std::size_t i = 0; i < chat.size(); ++i)
        kv.emplace_back("chat." + std::to_string(i + 1), remote::chat_display(chat[i]));
    auto rec = record_lines();
    kv.emplace_back("record_count", std::to_string(rec.size()));
    for (std::size_t i = 0; i < rec.size(); ++i) kv.emplace_back("record." + std::to_string(i + 1), rec[i]);
    remote::write_status_file(cfg_.status_file, kv);
    if (notify_) notify_();
}

View App::view() const {
    std::lock_guard<std::mutex> lk(mu_);
    return view_;
}

void App::connect(const std::string& code) {
    {
        std::lock_guard<std::mutex> lk(session_mu_);
        std::lock_guard<std::mutex> lk2(mu_);
        if (view_.active) return;
        view_.active = true;
        disconnecting_ = false;  // a new session: an earlier Disconnect is spent
    }
    if (worker_.joinable()) worker_.join();
    worker_ = std::thread([this, code] { run_session(code); });
}

void App::wait() {
    if (worker_.joinable()) worker_.join();
}

void App::toggle(desktop::Hotkey k) {
    std::lock_guard<std::mutex> lk(session_mu_);
    if (session_) session_->toggle(k);
}

void App::answer_control_request(bool allow) {
    {
        std::lock_guard<std::mutex> lk(session_mu_);
        if (!session_) return;
        session_->answer_control_request(allow);
    }
    update([&](View& v) {
        v.control_asked = false;
        if (!allow) v.status = remote::control_declined_status(v.peer);
    });
}

void App::disconnect() {
    std::lock_guard<std::mutex> lk(session_mu_);
    if (session_) return session_->stop();
    if (!view().active) return;
    disconnecting_ = true;  // a link that connect() returns anyway is stopped at once (run_session)
    connector_->cancel();
}

// One session from connect to end, on the worker thread.
void App::run_session(const std::string& code) {
    auto status = [this](const std::string& s) { update([&](View& v) { v.status = s; }); };
    std::string end;
    bool linked = false;  // a session existed: "ended", else "could not connect"
    try {
        auto link = connector_->connect(code, status);
        if (!link) throw std::runtime_error("cancelled");
        linked = true;
        // This customer's eyes only: in memory, kept until the next Connect.
        recorder_.begin(std::make_shared<remote::SessionRecord>(), "client", cfg_.relay, *link);
        chat_.clear();
        update([&](View& v) {
            v.auth = link->auth_string();
            v.route = link->route();
        });
        auto capture = x11desktop::make_x11_capture(cfg_.display);
        auto input = x11desktop::make_x11_input(cfg_.display);  // injector + the customer's own hands
        auto hotkeys = x11desktop::make_x11_hotkeys(cfg_.display);
        auto notice = x11desktop::make_x11_control_notice(cfg_.display);
        std::unique_ptr<desktop::Clipboard> clipboard;  // shared while control is on (issue 19)
        try {
            clipboard = x11desktop::make_x11_clipboard(cfg_.display);
        } catch (const std::exception&) {
            // No XFixes: the session goes on without a shared clipboard.
        }
        std::unique_ptr<desktop::MonitorSource> monitors = x11desktop::make_x11_monitors(cfg_.display);
        screen::ClientEvents ev;
        ev.on_status = status;
        ev.on_peer = [this](const std::string& n) {
            update([&](View& v) { v.peer = n; v.status = "Connected to " + (n.empty() ? "your supporter" : n); });
            record([&](remote::SessionRecord& r) { r.peer(n); });
            chat_out_.peer_arrived();
        };
        ev.on_chat = [this](const remote::ChatWire& c) {
            std::string who = view().peer.empty() ? "Supporter" : view().peer;
            if (!c.refused.empty()) return chat_refused("A message from " + who + " was refused: " + c.refused + ".");
            add_chat({c.unix_ms, who, c.text, false});
        };
        ev.on_control_request = [this] {
            update([](View& v) { v.control_asked = true; });
        };
        ev.on_consent = [this](remote::ConsentState s) {
            record([&](remote::SessionRecord& r) { r.consent(s); });
            update([&](View& v) {
                v.consent = s;
                if (s.control) v.control_asked = false;  // answered with F11 (or Allow)
            });
            files_.consent_changed(s.files);  // off: every transfer stops now, both ways
        };
        screen::ClientSession session({*capture, *input.injector, *hotkeys, notice.get(), input.local.get(), clipboard.get(),
                                       monitors.get()},
                                      cfg_.name, cfg_.initial, ev);
        {
            std::lock_guard<std::mutex> lk(session_mu_);
            session_ = &session;
            chat_out_.attach([&session](const std::string& text) { session.send_chat(text); });
            // A disconnect() after connect() returned only cancelled a
            // finished connector: the session ends now, not when the supporter does.
            if (disconnecting_) session.stop();
        }
        status("Connected, waiting for the supporter...");
        end = serve(session, link->channels());
        std::lock_guard<std::mutex> lk(session_mu_);
        session_ = nullptr;
        chat_out_.detach();
    } catch (const std::exception& e) {
        end = e.what();
    }
    if (linked) {
        record_files();
        recorder_.end(end);
    }
    update([&](View& v) {
        v.active = false;
        v.failed = !linked;
        v.consent = {};
        v.control_asked = false;
        v.auth.clear();
        v.route.clear();
        v.status = (linked ? "Session ended: " : "Could not connect: ") + end;
    });
}

namespace {

// File transfer on the session's file channel for as long as this lives.
class FilesRunning {
public:
    FilesRunning(remote::FileService& files, std::atomic<screen::ClientSession*>& live,
                 screen::ClientSession& session, session::ByteStream& channel)
        : files_(files), live_(live) {
        live_ = &session;  // before start(): the first offer may come at once
        try {
            files_.start(channel);
        } catch (...) {
            live_ = nullptr;
            throw;
        }
    }
    ~FilesRunning() {
        files_.stop();
        live_ = nullptr;  // only now: the endpoint's threads are gone
    }

private:
    remote::FileService& files_;
    std::atomic<screen::ClientSession*>& live_;
};

}  // namespace

// The screen session and file transfer over one link, until the session ends.
std::string App::serve(screen::ClientSession& session, remote::Channels ch) {
    std::unique_ptr<FilesRunning> files;
    if (ch.file) {
        try {
            files = std::make_unique<FilesRunning>(files_, consent_of_, session, *ch.file);
            for (const auto& path : cfg_.send_files) files_.send(path);
        } catch (const std::exception& e) {
            update([&](View& v) { v.status = std::string("File transfer is unavailable: ") + e.what(); });
        }
    }
    return session.run(ch);
}

}  // namespace client

namespace client {

// Chat ---------------------------------------------------------------------

bool App::send_chat(const std::string& text) { return chat_out_.send(text); }

void App::add_chat(const remote::ChatLine& l) {
    chat_.add(l);
    record([&](remote::SessionRecord& r) { r.chat(l); });
    update([this](View&) { chat_error_.clear(); });
    if (on_chat_) on_chat_(l);
}

void App::chat_refused(const std::string& why) {
    update([&](View&) { chat_error_ = why; });
    if (on_chat_error_) on_chat_error_(why);
}

std::string App::chat_error() const {
    std::lock_guard<std::mutex> lk(mu_);
    return chat_error_;
}

void App::chat_read() {
    chat_.mark_read();
    update([](View&) {});
}

// The record ----------------------------------------------------------------

void App::record(const std::function<void(remote::SessionRecord&)>& f) { recorder_.with(f); }

std::vector<std::string> App::record_lines() const {
    auto r = recorder_.current();
    return r ? r->lines() : std::vector<std::string>{};
}

void App::record_files() { recorder_.files(files_.rows()); }

}  // namespace client
