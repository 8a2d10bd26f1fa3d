// The list of transfers a person can act on, in both windows (the desk's
// panel under the customer's screen, the customer's window): one line per
// transfer with size, speed and time left (remote::transfer_line), Cancel,
// Retry and Open folder for the selected line (or, with none selected, the
// newest line the button applies to), and the last failure in red, wrapped
// inside its box; a later success clears it (remote::problem_text).
#pragma once

#include <FL/Fl_Box.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Group.H>
#include <FL/Fl_Hold_Browser.H>

#include <functional>
#include <string>
#include <vector>

#include "remote/file_service.h"

namespace desk {

class TransferPanel : public Fl_Group {
public:
    static constexpr int kButtons = 30;  // px: the button row
    static constexpr int kMessage = 36;  // px: the red line, two lines of text

    // `service` is borrowed (the app's); `peer_word` names the other side
    // in the lines ("customer", "supporter").
    TransferPanel(int x, int y, int w, int h, remote::FileService& service, std::string peer_word);
    // FLTK thread: rows -> lines, buttons, message.
    void refresh();
    void resize(int x, int y, int w, int h) override;

private:
    static void on_cancel(Fl_Widget*, void* self);
    static void on_retry(Fl_Widget*, void* self);
    static void on_open(Fl_Widget*, void* self);
    static void on_select(Fl_Widget*, void* self);
    // The row a button acts on: the selected one if `applies`, else the newest that does; -1: none.
    long target(const std::function<bool(const remote::TransferRow&)>& applies) const;
    void layout();

    remote::FileService& service_;
    const std::string peer_word_;
    std::vector<remote::TransferRow> rows_;  // as last shown
    Fl_Hold_Browser list_;
    Fl_Button cancel_, retry_, open_;
    Fl_Box message_;
};

}  // namespace desk
