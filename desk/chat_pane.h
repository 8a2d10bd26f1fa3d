// The chat pane both windows show (issue 19): the conversation, a field
// where Enter sends, and in red why the last message was not sent. The
// window owns the data (its App's remote::ChatLog) and calls show() when it
// refreshes.
#pragma once

#include <FL/Fl_Box.H>
#include <FL/Fl_Browser.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Group.H>
#include <FL/Fl_Input.H>

#include <functional>
#include <string>
#include <vector>

#include "remote/chat.h"

namespace desk {

class ChatPane : public Fl_Group {
public:
    // `send` returns true when the text went (or waits for the peer): the
    // field is then cleared; a refused text stays for the person to shorten.
    ChatPane(int x, int y, int w, int h, std::function<bool(const std::string&)> send);
    void show_lines(const std::vector<remote::ChatLine>& lines, const std::string& error);
    void focus_input() { input_.take_focus(); }
    void resize(int x, int y, int w, int h) override;

private:
    static void on_enter(Fl_Widget*, void* self);

    Fl_Browser list_;
    Fl_Input input_;
    Fl_Box error_;
    std::function<bool(const std::string&)> send_;
    std::size_t shown_ = 0;  // lines in list_
    std::string last_;       // the last line shown (the log drops old lines at its cap)
};

// "Chat", or "Chat (2)" in white on red while 2 lines wait unread.
void label_chat_button(Fl_Button& b, int unread);

}  // namespace desk
