// The customer's small FLTK window: code field, Connect, status, the
// current permissions (with their hotkeys), Disconnect, "Send file to
// supporter..." and the list of files sent and received, with progress.
#pragma once

#include <FL/Fl_Box.H>
#include <FL/Fl_Browser.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Input.H>
#include <FL/Fl_Return_Button.H>
#include <FL/Fl_Window.H>

#include "client_app.h"

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
    bool code_complete() const;
    void refresh_transfers();

    App& app_;
    Fl_Input code_;
    Fl_Return_Button connect_;
    Fl_Box status_;
    Fl_Box control_;
    Fl_Box files_;
    Fl_Button disconnect_;
    Fl_Button send_;
    Fl_Browser transfers_;
};

}  // namespace client
