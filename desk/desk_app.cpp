#include "desk_app.h"

#include <iostream>

#include <algorithm>

#include "control_text.h"
#include "screen/recording.h"
#include "screen/direct.h"
#include "screen/png.h"
#include "x11desktop/x11.h"
#include "remote/status.h"
#include "tunnel/session_client.h"
#include "session/session_stream.h"

namespace desk {
namespace {

const char* phase_name(Phase p) {
    switch (p) {
    case Phase::idle: return "idle";
    case Phase::waiting: return "waiting";
    case Phase::connected: return "connected";
    case Phase::ended: return "ended";
    case Phase::expired: return "expired";
    }
    return "?";
}

}  // namespace

// The desk passes no consent predicate: the customer's side enforces F12.
App::App(Config cfg, std::unique_ptr<remote::DeskConnector> connector)
    : cfg_(std::move(cfg)), connector_(std::move(connector)),
      files_({cfg_.download_dir, {}, cfg_.file_rate_limit}, [this] {
          record_files();
          update([](View&) {});
      }),
      chat_out_(session_mu_, {cfg_.name, "Not sent: there is no session. Click \"Start session\" first.",
                              "Not sent: 100 messages wait for the customer already.",
                              [this] {
                                  Phase phase = view().phase;
                                  return phase == Phase::waiting || phase == Phase::connected;
                              },
                              [this](const remote::ChatLine& l) { add_chat(l); },
                              [this](const std::string& why) { chat_refused(why); }}) {
    update([](View&) {});
}

App::~App() {
    end();
    wait();
}

void App::on_pixels(std::function<void(int, int)> resize,
                    std::function<void(const std::uint32_t*, desktop::Rect)> update) {
    on_resize_ = std::move(resize);
    on_update_ = std::move(update);
}

void App::update(const std::function<void(View&)>& f) {
    std::lock_guard<std::mutex> lk(mu_);
    f(view_);
    char rtt[32];
    snprintf(rtt, sizeof rtt, "%.1f", view_.quality.rtt_ms);
    std::vector<std::pair<std::string, std::string>> kv{{"phase", phase_name(view_.phase)},
                                                        {"code", view_.code},
                                                        {"code_valid", view_.code_valid},
                                                        {"status", view_.status},
                                                        {"peer", view_.peer},
                                                        {"auth", view_.auth},
                                                        {"route", view_.route},
                                                        {"control", view_.consent.control ? "on" : "off"},
                                                        {"control_text", control_text(view_)},
                                                        {"control_requested", view_.control_requested ? "yes" : "no"},
                                                        {"files", view_.consent.files ? "on" : "off"},
                                                        {"files_text", files_text(view_)},
                                                        {"frames", std::to_string(view_.frames)},
                                                        {"rtt_ms", rtt},
                                                        {"monitors", std::to_string(view_.monitors.list.size())},
                                                        {"monitor", shown_monitor(view_.monitors)},
                                                        {"download_dir", cfg_.download_dir},
                                                        {"chat_unread", std::to_string(view_.chat_unread)},
                                                        {"chat_error", view_.chat_error},
                                                        {"record", view_.record}};
    // The monitor menu's items after "All monitors", in its order.
    for (std::size_t i = 0; i < view_.monitors.list.size(); ++i)
        kv.emplace_back("monitor." + std::to_string(i + 1), monitor_words(view_.monitors.list[i]));
    auto chat = chat_.lines();
    kv.emplace_back("chat_count", std::to_string(chat.size()));
    for (std::size_t i = 0; i < chat.size(); ++i)
        kv.emplace_back("chat." + std::to_string(i + 1), remote::chat_display(chat[i]));
    auto transfers = remote::transfer_status_lines(files_.rows(), "customer");
    kv.insert(kv.end(), transfers.begin(), transfers.end());
    remote::write_status_file(cfg_.status_file, kv);
    if (notify_) notify_();
}

View App::view() const {
    std::lock_guard<std::mutex> lk(mu_);
    return view_;
}

void App::start() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (view_.phase == Phase::waiting || view_.phase == Phase::connected) return;
    }
    update([](View& v) { v = View{}; v.phase = Phase::waiting; v.status = "Getting a code..."; });
    if (worker_.joinable()) worker_.join();
    {
        std::lock_guard<std::mutex> lk(session_mu_);
        ending_ = false;
    }
    worker_ = std::thread([this] { run_session(); });
}

void App::wait() {
    if (worker_.joinable()) worker_.join();
}

void App::end() {
    std::lock_guard<std::mutex> lk(session_mu_);
    ending_ = true;
    if (session_) session_->stop();
    else connector_->cancel();
}

void App::send_pointer(int x, int y, int mask) {
    std::lock_guard<std::mutex> lk(session_mu_);
    if (session_ && view().consent.control) session_->viewer().send_pointer(x, y, mask);
    else if (session_ && mask) hint_no_control();  // a click, not a mere move
}

void App::send_key(std::uint32_t keysym, bool down) {
    std::lock_guard<std::mutex> lk(session_mu_);
    if (session_ && view().consent.control) session_->viewer().send_key(keysym, down);
    else if (session_ && down) hint_no_control();
}

// The supporter clicked or typed without control: say why nothing happens
// and what to do, instead of ignoring the input silently (issue 16).
void App::hint_no_control() {
    update([](View& v) {
        std::string who = v.peer.empty() ? "The customer" : v.peer;
        v.status = who + " has not allowed control, so your clicks and keys are not sent: ask " +
                   (v.peer.empty() ? "them" : v.peer) + " to press F11, or click Request control.";
    });
}

std::string monitor_words(const remote::MonitorInfo& m) {
    return m.name + " " + std::to_string(m.w) + "x" + std::to_string(m.h) + "+" + std::to_string(m.x) + "+" +
           std::to_string(m.y);
}

std::string shown_monitor(const remote::MonitorList& l) {
    if (l.shown < 0 || l.shown >= static_cast<int>(l.list.size())) return "all";
    return l.list[l.shown].name;
}

void App::select_monitor(int index) {
    std::lock_guard<std::mutex> lk(session_mu_);
    if (session_) session_->select_monitor(index);
}

void App::request_control() {
    std::lock_guard<std::mutex> lk(session_mu_);
    // One question at a time: a second click while the customer's prompt is
    // up would only repeat it (and hide their answer behind "Asking...").
    View now = view();
    if (!session_ || now.consent.control || now.control_requested) return;
    // Said before the request goes out: the customer's answer can come back
    // before the next line runs, and must not be overwritten by it.
    update([](View& v) {
        v.control_requested = true;
        v.status = "Asking " + (v.peer.empty() ? std::string("the customer") : v.peer) + " for control...";
    });
    session_->request_control();
}

// The customer's side answered a request ("allowed" arrives as consent).
void App::control_answered(const std::string& answer) {
    update([&](View& v) {
        std::string who = v.peer.empty() ? "The customer" : v.peer;
        if (answer == remote::kAnswerAsked) {
            v.status = who + " sees your request: waiting for them to click Allow (or press F11).";
            return;
        }
        v.control_requested = false;
        if (answer == remote::kAnswerDenied)
            v.status = who + " declined control. You still see their screen; you can ask again.";
        else
            v.status = who + "'s computer cannot be controlled from here: you can only watch.";
    });
}

// On the viewer thread, after the first complete update.
void App::first_frame(const desktop::Frame& fb) {
    std::lock_guard<std::mutex> lk(session_mu_);
    if (!session_) return;
    // The bridge first: once the snapshot exists, scripts may connect to it.
    if (!cfg_.vnc_listen.empty()) {
        auto [host, port] = screen::split_host_port(cfg_.vnc_listen);
        bridge_ = std::make_unique<screen::VncBridge>(session_->viewer());
        bridge_->start(host, port);
    }
    if (!cfg_.snapshot.empty()) screen::write_png(cfg_.snapshot, fb);
}

screen::ViewerCallbacks App::viewer_callbacks() {
    screen::ViewerCallbacks cb;
    cb.on_resize = [this](int w, int h) { if (on_resize_) on_resize_(w, h); };
    cb.on_update = [this](desktop::Rect r) {
        // session_ is set before the viewer thread starts and cleared after it ends.
        if (on_update_) on_update_(session_->viewer().pixels(), r);
        if (bridge_) bridge_->changed(r);
    };
    cb.on_cursor = [this] {
        if (on_cursor_) on_cursor_(session_->viewer().cursor());
    };
    cb.on_frame = [this](std::uint64_t n, const desktop::Frame& fb) {
        if (n == 1) {
            try {  // never let an exception cross libvncclient's C frames
                first_frame(fb);
            } catch (const std::exception& e) {
                update([&](View& v) { v.status = e.what(); });
            }
        }
        // The status file is rewritten on the first frame and then once a
        // second or so (60 Hz), not for every update.
        if (n == 1 || n % 60 == 0) update([&](View& v) { v.frames = n; });
    };
    return cb;
}

// Codes one after the other while they expire unused and --renew asks for that.
void App::run_session() {
    while (attempt() == Outcome::expired && cfg_.on_expiry == OnExpiry::renew && !ending()) {
    }
}

bool App::ending() {
    std::lock_guard<std::mutex> lk(session_mu_);
    return ending_;
}

void App::show_code(const remote::SessionCode& c) {
    update([&](View& v) {
        v.code = c.code;
        v.code_valid.clear();
    });
    if (on_code_) on_code_(c);
    countdown_.start(c.expires, [this](const std::string& text) { update([&](View& v) { v.code_valid = text; }); });
}

// Plain words, the code named, and what to do next for each way of running.
void App::show_expired(const std::string& code) {
    std::string what = "The code " + code + " expired before the customer joined.";
    switch (cfg_.on_expiry) {
    case OnExpiry::offer_new_code: what += " Click \"New code\" to get another one."; break;
    case OnExpiry::stop: what += " Start tether-desk again for a new code (--renew gets one automatically)."; break;
    case OnExpiry::renew: what += " Getting a new code..."; break;
    }
    update([&](View& v) {
        v = View{};
        v.phase = cfg_.on_expiry == OnExpiry::renew ? Phase::waiting : Phase::expired;
        v.status = what;
    });
}

App::Outcome App::attempt() {
    auto status = [this](const std::string& s) { update([&](View& v) { v.status = s; }); };
    std::string end;
    bool met = false;  // the customer joined: a session took place
    try {
        auto link = connector_->open([this](const remote::SessionCode& c) { show_code(c); }, status);
        countdown_.stop();
        if (!link) throw std::runtime_error("cancelled");
        update([&](View& v) {
            v.auth = link->auth_string();
            v.route = link->route();
            v.code_valid.clear();
        });
        start_record(*link);
        screen::DeskEvents ev;
        ev.on_peer = [this](const std::string& n) {
            update([&](View& v) { v.peer = n; v.status = "Connected to " + (n.empty() ? "the customer" : n); });
            record([&](remote::SessionRecord& r) { r.peer(n); });
            chat_out_.peer_arrived();
        };
        ev.on_chat = [this](const remote::ChatWire& c) {
            std::string who = view().peer.empty() ? "Customer" : view().peer;
            if (!c.refused.empty()) return chat_refused("A message from " + who + " was refused: " + c.refused + ".");
            add_chat({c.unix_ms, who, c.text, false});
        };
        ev.on_consent = [this](remote::ConsentState s) {
            record([&](remote::SessionRecord& r) { r.consent(s); });
            update([&](View& v) {
                v.consent = s;
                if (s.control) v.control_requested = false;  // answered with Allow or F11
            });
        };
        ev.on_control_answer = [this](const std::string& a) { control_answered(a); };
        ev.on_quality = [this](screen::Quality q) { update([&](View& v) { v.quality = q; }); };
        ev.on_monitors = [this](const remote::MonitorList& l) { update([&](View& v) { v.monitors = l; }); };
        ev.on_clipboard_notice = [this](const std::string& s) { update([&](View& v) { v.status = s; }); };
        std::unique_ptr<desktop::Clipboard> clipboard;  // the supporter's own display (issue 19)
        try {
            clipboard = x11desktop::make_x11_clipboard("");
        } catch (const std::exception&) {
            // No display (headless) or no XFixes: no shared clipboard.
        }
        screen::DeskSession session(cfg_.name, cfg_.viewer, viewer_callbacks(), ev);
        session.set_clipboard(clipboard.get());
        {
            std::lock_guard<std::mutex> lk(session_mu_);
            session_ = &session;
            chat_out_.attach([&session](const std::string& text) { session.send_chat(text); });
            // An end() between open() returning and here found no session and
            // only cancelled a connector that had finished: without this stop
            // the desk would stay (SIGTERM lost) and the customer, once the
            // desk is killed, wait out the relay's grace period.
            if (ending_) session.stop();
        }
        met = true;
        update([](View& v) { v.phase = Phase::connected; v.status = "Customer connected, loading the screen..."; });
        end = serve(session, link->channels());
        std::lock_guard<std::mutex> lk(session_mu_);
        bridge_.reset();
        session_ = nullptr;
        chat_out_.detach();
    } catch (const session::CodeExpiredError&) {
        countdown_.stop();
        show_expired(view().code);
        return Outcome::expired;
    } catch (const std::exception& e) {
        countdown_.stop();
        end = e.what();
    }
    forget_customer(end, met);
    return Outcome::done;
}

// Nothing about the customer outlives the session (issue 16): name,
// security code, route, link figures, files; the window drops the picture
// when it sees the phase. Only why it ended stays.
void App::forget_customer(const std::string& end, bool met) {
    end_record(end);
    files_.forget();
    chat_.clear();
    update([&](View& v) {
        v = View{};
        v.phase = Phase::ended;
        v.no_session = !met;
        v.status = "Session ended: " + end;
    });
}

// The screen session and file transfer over one link, until the session
// ends; transfers still running then end as failed (resumable).
std::string App::serve(screen::DeskSession& session, remote::Channels ch) {
    bool files = false;
    if (ch.file) {
        try {
            files_.start(*ch.file);
            files = true;
            for (const auto& path : cfg_.send_files) files_.send(path);
        } catch (const std::exception& e) {
            update([&](View& v) { v.status = std::string("File transfer is unavailable: ") + e.what(); });
        }
    }
    std::unique_ptr<screen::RecordingStream> recording;  // --record: the decrypted RFB bytes, on this machine only
    if (!cfg_.screen_recording.empty()) {
        try {
            recording = std::make_unique<screen::RecordingStream>(ch.rfb, cfg_.screen_recording);
        } catch (const std::exception& e) {
            update([&](View& v) { v.status = std::string("Not recording: ") + e.what(); });
        }
    }
    std::string end = session.run(recording ? remote::Channels{ch.control, *recording, ch.file} : ch);
    if (files) files_.stop();
    return end;
}

// Chat -------------------------------------------------------------------

bool App::send_chat(const std::string& text) { return chat_out_.send(text); }

void App::add_chat(const remote::ChatLine& l) {
    chat_.add(l);
    record([&](remote::SessionRecord& r) { r.chat(l); });
    update([this](View& v) {
        v.chat_unread = chat_.unread();
        v.chat_error.clear();
    });
    if (on_chat_) on_chat_(l);
}

void App::chat_refused(const std::string& why) {
    update([&](View& v) { v.chat_error = why; });
    if (on_chat_error_) on_chat_error_(why);
}

void App::chat_read() {
    chat_.mark_read();
    update([](View& v) { v.chat_unread = 0; });
}

// The session record ------------------------------------------------------

void App::record(const std::function<void(remote::SessionRecord&)>& f) { recorder_.with(f); }

void App::start_record(const remote::SessionLink& link) {
    std::string path;
    try {
        if (cfg_.record_dir.empty()) return;
        auto r = std::make_shared<remote::SessionRecord>(cfg_.record_dir);
        path = r->path();
        recorder_.begin(std::move(r), "desk", cfg_.relay, link);
    } catch (const std::exception& e) {
        path = std::string("not written: ") + e.what();
    }
    update([&](View& v) { v.record = path; });
}

void App::record_files() { recorder_.files(files_.rows()); }

void App::end_record(const std::string& reason) {
    record_files();
    recorder_.end(reason);
    recorder_.close();
}

}  // namespace desk
