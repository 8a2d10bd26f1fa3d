#include "client_window.h"

#include <FL/Fl.H>
#include <cctype>
#include <cstdlib>
#include <FL/Fl_Native_File_Chooser.H>

#include "fit_label.h"
#include "remote/status.h"
#include "wire/session_code.h"

namespace client {
namespace {

Fl_Color rgb(unsigned c) { return fl_rgb_color((c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff); }

void style_permission(Fl_Box& b) {
    b.box(FL_FLAT_BOX);
    b.labelsize(16);
    b.align(FL_ALIGN_LEFT | FL_ALIGN_INSIDE);
}

}  // namespace

Window::Window(App& app, const std::string& code)
    : Fl_Window(440, 560, "Tether customer"),
      app_(app),
      code_(150, 20, 135, 34, "Code:"),  // 9 digits fit
      connect_(290, 20, 130, 34, "Connect"),
      status_(20, 70, 400, 60),
      control_(20, 140, 400, 34),
      files_(20, 184, 400, 34),
      disconnect_(290, 236, 130, 34, "Disconnect"),
      send_(20, 236, 250, 34, "Send file to supporter..."),
      transfers_(20, 306, 400, 240, app.files(), "supporter"),
      chat_button_(256, 276, 60, 26, "Chat"),
      record_button_(320, 276, 100, 26, "What happened?"),
      chat_pane_(20, 306, 400, 240, [this](const std::string& t) {
          bool ok = app_.send_chat(t);
          refresh();
          return ok;
      }),
      prompt_(20, 140, 400, 78),
      prompt_text_(24, 142, 392, 40),
      allow_(24, 184, 190, 30, "Allow control"),
      deny_(226, 184, 190, 30, "Deny") {
    code_.textsize(22);
    code_.labelsize(18);
    code_.maximum_size(wire::kMaxCodeDigits);
    code_.value(code.c_str());
    code_.when(FL_WHEN_CHANGED);
    code_.callback(on_code_edit, this);
    connect_.callback(on_connect, this);
    disconnect_.callback(on_disconnect, this);
    send_.callback(on_send, this);
    prompt_.end();
    prompt_.box(FL_FLAT_BOX);
    prompt_.color(rgb(kColorControlOn));
    prompt_text_.align(FL_ALIGN_LEFT | FL_ALIGN_INSIDE | FL_ALIGN_WRAP);
    prompt_text_.labelcolor(FL_WHITE);
    prompt_text_.labelsize(14);
    prompt_text_.labelfont(FL_HELVETICA_BOLD);
    allow_.callback(on_allow, this);
    deny_.callback(on_deny, this);
    prompt_.hide();
    chat_button_.callback(on_chat_toggle, this);
    chat_button_.tooltip("Write to your supporter");
    chat_button_.labelsize(12);
    record_button_.callback(on_record, this);
    record_button_.tooltip("What happened in this session: permissions, files, chat");
    record_button_.labelsize(12);
    add(chat_pane_);  // a child of the window itself, whatever group was current when it was made
    chat_pane_.hide();
    transfers_.label("Files (sent and received):");
    transfers_.align(FL_ALIGN_TOP_LEFT);
    status_.align(FL_ALIGN_LEFT | FL_ALIGN_INSIDE | FL_ALIGN_WRAP);
    status_.labelsize(15);
    style_permission(control_);
    style_permission(files_);
    end();
    refresh();
}

// 6 digits usually, 9 when the relay saw a guessing attack. Joining waits
// for Connect: the first 6 digits of a 9-digit code are no code.
bool Window::code_complete() const { return wire::valid_session_code(code_.value()); }

// Digits only: anything else typed or pasted is removed at once.
void Window::on_code_edit(Fl_Widget*, void* p) {
    auto* w = static_cast<Window*>(p);
    std::string digits = wire::session_code_digits(w->code_.value());
    if (digits != w->code_.value()) w->code_.value(digits.c_str());
    w->refresh();
}

void Window::on_connect(Fl_Widget*, void* p) {
    auto* w = static_cast<Window*>(p);
    if (w->code_complete()) w->app_.connect(w->code_.value());
}

void Window::on_disconnect(Fl_Widget*, void* p) { static_cast<Window*>(p)->app_.disconnect(); }

// desk::SendChooser: FLTK's own chooser, shown without waiting for it.
void Window::on_send(Fl_Widget*, void* p) { static_cast<Window*>(p)->chooser_.show(); }

void Window::refresh_transfers() { transfers_.refresh(); }

void Window::on_chat_toggle(Fl_Widget*, void* p) {
    auto* w = static_cast<Window*>(p);
    w->chat_shown_ = !w->chat_shown_;
    if (w->chat_shown_) {  // in the files list's place: the window keeps its size
        w->transfers_.hide();
        w->chat_pane_.resize(w->transfers_.x(), w->transfers_.y(), w->transfers_.w(), w->transfers_.h());
        w->chat_pane_.show();
        w->chat_pane_.redraw();
        w->chat_pane_.focus_input();
    } else {
        w->chat_pane_.hide();
        w->transfers_.show();
    }
    w->refresh();
}

// The customer's own record, in a window of its own, refreshed with this one.
void Window::on_record(Fl_Widget*, void* p) {
    auto* w = static_cast<Window*>(p);
    if (!w->record_window_) {
        Fl_Group* current = Fl_Group::current();
        Fl_Group::current(nullptr);
        w->record_window_ = std::make_unique<Fl_Window>(620, 360, "Tether: what happened in this session");
        w->record_list_ = new Fl_Browser(10, 10, 600, 340);  // owned by the window
        w->record_list_->format_char(0);
        w->record_window_->end();
        w->record_window_->resizable(w->record_list_);
        Fl_Group::current(current);
    }
    w->record_window_->show();
    w->refresh();
}

void Window::refresh_chat() {
    chat_pane_.show_lines(app_.chat(), app_.chat_error());
    if (chat_shown_ && app_.chat_unread() > 0) app_.chat_read();  // on screen now: read
    desk::label_chat_button(chat_button_, chat_shown_ ? 0 : app_.chat_unread());
    if (chat_shown_) chat_button_.label("Files");  // back to the files list
    if (record_window_ && record_window_->shown()) {
        auto lines = app_.record_lines();
        if (static_cast<int>(lines.size()) != record_list_->size()) {
            record_list_->clear();
            for (const auto& l : lines) record_list_->add(l.c_str());
            record_list_->bottomline(record_list_->size());
        }
    }
}

void Window::on_allow(Fl_Widget*, void* p) { static_cast<Window*>(p)->app_.answer_control_request(true); }
void Window::on_deny(Fl_Widget*, void* p) { static_cast<Window*>(p)->app_.answer_control_request(false); }

// The supporter's request is a question on this machine: the window comes
// to the front with it; only Allow (or F11) grants control.
void Window::refresh_prompt(const View& v) {
    if (!v.control_asked) {
        prompt_.hide();
        control_.show();
        files_.show();
        return;
    }
    prompt_text_.copy_label(remote::control_request_prompt(v.peer).c_str());
    desk::fit_label(prompt_text_, 14);
    if (!prompt_.visible()) {
        control_.hide();
        files_.hide();
        prompt_.show();
        show();  // raise the window: the question must be seen
    }
}

void Window::refresh() {
    View v = app_.view();
    std::string sas = v.auth.empty() ? "" : "\nSecurity code " + v.auth + ": your supporter must read you the same.";
    status_.copy_label((v.status + sas).c_str());
    desk::fit_label(status_, 15);
    status_.copy_tooltip(v.route.empty() ? nullptr : ("Connected through " + v.route).c_str());
    control_.copy_label(remote::control_label(v.consent.control).c_str());
    files_.copy_label(remote::files_label(v.consent.files).c_str());
    control_.color(rgb(v.consent.control ? kColorControlOn : kColorOff));
    files_.color(rgb(v.consent.files ? kColorFilesOn : kColorOff));
    control_.labelcolor(v.consent.control ? FL_WHITE : FL_BLACK);
    files_.labelcolor(v.consent.files ? FL_WHITE : FL_BLACK);
    if (v.active) code_.deactivate();
    else code_.activate();
    if (!v.active && code_complete()) connect_.activate();
    else connect_.deactivate();
    if (v.active) disconnect_.activate();
    else disconnect_.deactivate();
    if (v.active) send_.activate();
    else send_.deactivate();
    refresh_prompt(v);
    refresh_transfers();
    refresh_chat();
    redraw();
}

}  // namespace client
