#include "desk_window.h"

#include <FL/Fl.H>
#include <cstdio>
#include <cstdlib>

#include "control_text.h"
#include "fit_label.h"
#include "remote/chat.h"
#include "remote/status.h"
#include "wire/session_code.h"

namespace desk {
namespace {

constexpr int kBar = 110;    // px: height of the top bar
constexpr int kPanel = 190;  // px: transfer panel at the bottom: 4 lines, buttons, the red message
constexpr int kChat = 320;   // px: the chat pane's width (about 40 characters a line)

Fl_Color rgb(unsigned c) { return fl_rgb_color((c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff); }

void style_permission(Fl_Box& b) {
    b.box(FL_FLAT_BOX);
    b.labelsize(14);
    b.align(FL_ALIGN_LEFT | FL_ALIGN_INSIDE);
}

std::string quality_text(const View& v) {
    if (v.phase != Phase::connected) return "";
    if (v.quality.rtt_ms <= 0) return "Link: measuring...";  // no answer to a ping yet: no "0 ms"
    char buf[96];
    snprintf(buf, sizeof buf, "Link: %.0f ms round trip, %.0f kbit/s", v.quality.rtt_ms, v.quality.kbit_per_s);
    return buf;
}

}  // namespace

Window::Window(App& app)
    : Fl_Double_Window(1024, 768, "Tether desk"),
      app_(app),
      start_(10, 10, 140, 40, "Start session"),
      code_(160, 2, 300, 52),
      validity_(160, 52, 300, 18),
      status_(10, 70, 450, 34),
      control_(470, 10, 260, 28),
      files_(470, 42, 260, 28),
      quality_(470, 74, 265, 28),
      scale_(740, 10, 70, 28),
      end_(900, 10, 110, 40, "End session"),
      send_(900, 60, 110, 40, "Send file..."),
      request_(740, 42, 150, 28, "Request control"),
      monitor_(740, 74, 150, 28),
      chat_button_(815, 10, 80, 28, "Chat"),
      scroll_(0, kBar, 1024, 768 - kBar),
      viewer_(app, 0, kBar, 1024, 768 - kBar),
      transfers_(0, 768 - kPanel, 1024, kPanel, app.files(), "customer"),
      chat_pane_(1024 - kChat, kBar, kChat, 768 - kBar, [this](const std::string& t) {
          bool ok = app_.send_chat(t);
          refresh();
          return ok;
      }) {
    code_.labelsize(44);
    code_.labelfont(FL_COURIER_BOLD);
    validity_.labelsize(13);
    status_.align(FL_ALIGN_LEFT | FL_ALIGN_INSIDE | FL_ALIGN_WRAP);
    quality_.align(FL_ALIGN_LEFT | FL_ALIGN_INSIDE);
    style_permission(control_);
    style_permission(files_);
    start_.callback(on_start, this);
    end_.callback(on_end, this);
    scale_.callback(on_scale, this);
    send_.callback(on_send, this);
    request_.callback(on_request, this);
    request_.tooltip("Ask the customer to let you control their computer: they see a prompt and decide");
    monitor_.callback(on_monitor, this);
    monitor_.tooltip("Show one of the customer's monitors, or all of them");
    monitor_.hide();
    label_scale();
    chat_button_.callback(on_chat_toggle, this);
    chat_button_.tooltip("Write to the customer (no permission needed)");
    scroll_.end();
    // Constructed while scroll_ was the current group: move it to the window.
    add(transfers_);
    add(chat_pane_);
    chat_pane_.hide();
    scroll_.box(FL_FLAT_BOX);
    scroll_.color(FL_BLACK);
    transfers_.hide();
    end();
    resizable(scroll_);
    refresh();
}

void Window::on_start(Fl_Widget*, void* p) { static_cast<Window*>(p)->app_.start(); }
void Window::on_end(Fl_Widget*, void* p) { static_cast<Window*>(p)->app_.end(); }
void Window::on_request(Fl_Widget*, void* p) { static_cast<Window*>(p)->app_.request_control(); }
void Window::on_monitor(Fl_Widget*, void* p) {
    auto* w = static_cast<Window*>(p);
    w->app_.select_monitor(w->monitor_.value() - 1);  // item 0 is "All monitors"
}

// The menu only when there is a choice (two monitors or more).
void Window::refresh_monitors(const View& v) {
    const auto& l = v.monitors;
    std::string menu;
    for (const auto& m : l.list) menu += monitor_words(m) + "\n";
    if (v.phase != Phase::connected || l.list.size() < 2) {
        monitor_.hide();
        monitor_menu_.clear();
        return;
    }
    if (menu != monitor_menu_) {
        monitor_.clear();
        monitor_.add("All monitors");
        for (const auto& m : l.list) {
            std::string item = monitor_words(m);
            for (char& c : item)
                if (c == '/' || c == '&' || c == '|' || c == '_' || c == '\\') c = ' ';  // menu syntax
            monitor_.add(item.c_str());
        }
        monitor_menu_ = menu;
    }
    monitor_.value(l.shown + 1);
    monitor_.show();
}

void Window::on_chat_toggle(Fl_Widget*, void* p) {
    auto* w = static_cast<Window*>(p);
    w->chat_shown_ = !w->chat_shown_;
    if (w->chat_shown_) {
        w->chat_pane_.show();
        w->chat_pane_.focus_input();
    } else {
        w->chat_pane_.hide();
    }
    w->layout_panel();
    w->refresh();
}

void Window::refresh_chat(const View& v) {
    chat_pane_.show_lines(app_.chat(), v.chat_error);
    if (chat_shown_ && v.chat_unread > 0) app_.chat_read();  // on screen now: read
    label_chat_button(chat_button_, chat_shown_ ? 0 : v.chat_unread);
}

// desk::SendChooser: FLTK's own chooser, shown without waiting for it.
void Window::on_send(Fl_Widget*, void* p) { static_cast<Window*>(p)->chooser_.show(); }

void Window::on_scale(Fl_Widget*, void* p) {
    auto* w = static_cast<Window*>(p);
    w->viewer_.set_fit(!w->viewer_.fit());
    w->label_scale();
    w->layout_viewer();
}

// The button names the view shown now (issue 16), the tooltip the other one.
void Window::label_scale() {
    scale_.label(viewer_.fit() ? "Fit" : "1:1");
    scale_.tooltip(viewer_.fit() ? "Scaled to the window. Click for 1:1 (every pixel, with scroll bars)."
                                 : "Every pixel as on the customer's screen. Click to fit the window.");
}

// Fit: the viewer fills the scroll area. 1:1: it has the frame's size and
// the scroll area shows scrollbars.
void Window::layout_viewer() {
    int fw = viewer_.frame_w(), fh = viewer_.frame_h();
    if (viewer_.fit() || fw == 0) viewer_.resize(scroll_.x(), scroll_.y(), scroll_.w(), scroll_.h());
    else viewer_.resize(scroll_.x() - scroll_.xposition(), scroll_.y() - scroll_.yposition(), fw, fh);
    scroll_.redraw();
}

void Window::layout_panel() {
    int panel = panel_ ? kPanel : 0;
    int chat = chat_shown_ ? kChat : 0;
    scroll_.resize(0, kBar, w() - chat, h() - kBar - panel);
    chat_pane_.resize(w() - kChat, kBar, kChat, h() - kBar - panel);
    transfers_.resize(0, h() - panel, w(), kPanel);
    layout_viewer();
    redraw();
}

void Window::resize(int x, int y, int w, int h) {
    Fl_Double_Window::resize(x, y, w, h);
    layout_panel();
}

void Window::refresh_transfers() {
    auto rows = app_.transfers();
    if (rows.empty() == panel_) {  // the first transfer shows it; forgetting the customer hides it
        panel_ = !rows.empty();
        if (panel_) transfers_.show();
        else transfers_.hide();
        layout_panel();
    }
    transfers_.refresh();
}

void Window::frame_changed() {
    if (!viewer_.fit() && viewer_.w() != viewer_.frame_w()) layout_viewer();
    viewer_.redraw();
}

void Window::refresh() {
    View v = app_.view();
    bool live = v.phase == Phase::waiting || v.phase == Phase::connected;
    code_.copy_label(v.phase == Phase::waiting ? wire::spoken_session_code(v.code).c_str() : "");
    std::string sas = v.auth.empty() ? "" : "  |  Security code " + v.auth + " (the customer sees the same?)";
    validity_.copy_label(v.phase == Phase::waiting ? v.code_valid.c_str() : "");
    status_.copy_label((v.status + sas).c_str());
    fit_label(status_, 14);
    status_.copy_tooltip(v.route.empty() ? nullptr : ("Connected through " + v.route).c_str());
    control_.copy_label(control_text(v).c_str());
    files_.copy_label(files_text(v).c_str());
    control_.color(rgb(v.consent.control ? kColorControlOn : kColorOff));
    files_.color(rgb(v.consent.files ? kColorFilesOn : kColorOff));
    control_.labelcolor(v.consent.control ? FL_WHITE : FL_BLACK);
    files_.labelcolor(v.consent.files ? FL_WHITE : FL_BLACK);
    quality_.copy_label(quality_text(v).c_str());
    if (live) start_.deactivate();
    else start_.activate();
    // After an expired code the same button gets the next one.
    start_.label(v.phase == Phase::expired ? "New code" : "Start session");
    if (live) end_.activate();
    else end_.deactivate();
    if (v.phase == Phase::connected) send_.activate();
    else send_.deactivate();
    bool can_request = v.phase == Phase::connected && !v.consent.control && !v.control_requested;
    if (can_request) request_.activate();
    else request_.deactivate();
    request_.label(v.control_requested ? "Asked..." : "Request control");
    refresh_monitors(v);
    if (v.phase != Phase::connected && viewer_.frame_w() > 0) {  // the customer's picture goes with them
        viewer_.clear_frame();
        layout_viewer();
    }
    refresh_transfers();
    refresh_chat(v);
    redraw();
}

}  // namespace desk
