// The customer's small FLTK window: code field, Connect, status, the
// current permissions (with their hotkeys), Disconnect, "Send file to
// supporter..." and the list of files sent and received (desk::TransferPanel).
#pragma once

#include <FL/Fl_Box.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Group.H>
#include <FL/Fl_Input.H>
#include <FL/Fl_Return_Button.H>
#include <FL/Fl_Browser.H>
#include <FL/Fl_Window.H>

#include <memory>

#include "chat_pane.h"
#include "client_app.h"
#include "send_chooser.h"
#include "transfer_panel.h"

namespace client {

// Known colors of the permission boxes (tests check pixels of them).
constexpr unsigned kColorOff = 0xDDDDDD;        // 0xRRGGBB: right is not given
constexpr unsigned kColorControlOn = 0xE05A00;  // orange: someone else may type
constexpr unsigned kColorFilesOn = 0x1E78C8;    // blue

class Window : public Fl_Window {
public:
    // `app` is borrowed; the window refreshes itself whenever the app changes.
    Window(App& app, const std::string& code);
    // Runs on the FLTK thread (via Fl::awake): copies the app's View into the widgets.
    void refresh();

private:
    static void on_code_edit(Fl_Widget*, void* self);
    static void on_connect(Fl_Widget*, void* self);
    static void on_disconnect(Fl_Widget*, void* self);
    static void on_send(Fl_Widget*, void* self);
    static void on_allow(Fl_Widget*, void* self);
    static void on_deny(Fl_Widget*, void* self);
    void refresh_prompt(const View& v);
    bool code_complete() const;
    void refresh_transfers();
    static void on_chat_toggle(Fl_Widget*, void* self);
    static void on_record(Fl_Widget*, void* self);
    void refresh_chat();

    App& app_;
    Fl_Input code_;
    Fl_Return_Button connect_;
    Fl_Box status_;
    Fl_Box control_;
    Fl_Box files_;
    Fl_Button disconnect_;
    Fl_Button send_;
    desk::TransferPanel transfers_;  // list, Cancel/Retry/Open folder, the last failure in red
    desk::SendChooser chooser_{"Send file to the supporter", [this](const std::string& path) { app_.send_file(path); }};
    // Issue 19: Chat shows the chat pane in the files list's place (and
    // reads "Files" to go back);
    // "What happened?" opens the customer's own session record.
    Fl_Button chat_button_;
    Fl_Button record_button_;
    desk::ChatPane chat_pane_;
    bool chat_shown_ = false;
    std::unique_ptr<Fl_Window> record_window_;
    Fl_Browser* record_list_ = nullptr;  // inside record_window_
    // Over the permission boxes while the supporter asks for control; made
    // last, so it is drawn on top (and no later widget lands inside it).
    Fl_Group prompt_;
    Fl_Box prompt_text_;
    Fl_Button allow_, deny_;
};

}  // namespace client
