// The supporter's window: a bar (Start session / the code, large / status /
// the customer's permissions / quality / Fit-1:1 / End session / Send
// file...) above the customer's screen; below it, once there is a transfer,
// the list of transfers and the last refusal. Files dropped onto the screen
// area are sent (ViewerWidget).
#pragma once

#include <FL/Fl_Box.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Choice.H>
#include <FL/Fl_Double_Window.H>
#include <FL/Fl_Scroll.H>

#include <memory>

#include "chat_pane.h"
#include "desk_app.h"
#include "send_chooser.h"
#include "transfer_panel.h"
#include "viewer_widget.h"

namespace desk {

// Known colors of the permission boxes (same meaning as on the customer's window).
constexpr unsigned kColorOff = 0xDDDDDD;
constexpr unsigned kColorControlOn = 0xE05A00;
constexpr unsigned kColorFilesOn = 0x1E78C8;

class Window : public Fl_Double_Window {
public:
    explicit Window(App& app);
    void refresh();  // FLTK thread: View -> widgets
    void frame_changed();  // FLTK thread: redraw the screen area
    ViewerWidget& viewer() { return viewer_; }
    void resize(int x, int y, int w, int h) override;

private:
    static void on_start(Fl_Widget*, void* self);
    static void on_end(Fl_Widget*, void* self);
    static void on_scale(Fl_Widget*, void* self);
    static void on_send(Fl_Widget*, void* self);
    static void on_request(Fl_Widget*, void* self);
    static void on_monitor(Fl_Widget*, void* self);
    void refresh_monitors(const View& v);
    static void on_chat_toggle(Fl_Widget*, void* self);
    void refresh_chat(const View& v);
    void layout_viewer();
    void label_scale();
    void layout_panel();  // screen area above, transfer panel (if shown) below
    void refresh_transfers();

    App& app_;
    Fl_Button start_;
    Fl_Box code_;
    Fl_Box validity_;  // under the code: "valid for 9 more minutes"
    Fl_Box status_;
    Fl_Box control_;
    Fl_Box files_;
    Fl_Box quality_;
    Fl_Button scale_;
    Fl_Button end_;
    Fl_Button send_;
    Fl_Button request_;  // "Request control": a prompt on the customer's side
    Fl_Choice monitor_;  // "All monitors" or one of the customer's (issue 19)
    std::string monitor_menu_;  // what the menu lists now
    Fl_Button chat_button_;  // shows/hides the chat pane; "Chat (2)": lines not read yet
    Fl_Scroll scroll_;
    ViewerWidget viewer_;
    TransferPanel transfers_;  // list, Cancel/Retry/Open folder, the last failure in red
    bool panel_ = false;  // shown from the first transfer on
    // Chat (issue 19): on the right of the screen area while shown.
    ChatPane chat_pane_;
    bool chat_shown_ = false;
    desk::SendChooser chooser_{"Send file to the customer", [this](const std::string& path) { app_.send_file(path); }};
};

}  // namespace desk
