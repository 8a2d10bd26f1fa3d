#include "chat_pane.h"

namespace desk {
namespace {
constexpr int kInput = 30;  // px: one line of text
constexpr int kError = 42;  // px: two lines of the red message
}  // namespace

ChatPane::ChatPane(int x, int y, int w, int h, std::function<bool(const std::string&)> send)
    : Fl_Group(x, y, w, h),
      list_(x + 5, y + 5, w - 10, h - kInput - kError - 15),
      input_(x + 5, y + h - kInput - kError - 5, w - 10, kInput),
      error_(x + 5, y + h - kError - 2, w - 10, kError),
      send_(std::move(send)) {
    end();
    box(FL_FLAT_BOX);
    list_.format_char(0);  // text is shown as typed, never as FLTK formatting
    input_.when(FL_WHEN_ENTER_KEY_ALWAYS);
    input_.callback(on_enter, this);
    input_.tooltip("Type a message; Enter sends it");
    error_.align(FL_ALIGN_LEFT | FL_ALIGN_INSIDE | FL_ALIGN_WRAP | FL_ALIGN_TOP);
    error_.labelcolor(FL_RED);
    error_.labelsize(12);
}

void ChatPane::resize(int x, int y, int w, int h) {
    Fl_Widget::resize(x, y, w, h);  // children placed by hand: the list takes what the field leaves
    list_.resize(x + 5, y + 5, w - 10, h - kInput - kError - 15);
    input_.resize(x + 5, y + h - kInput - kError - 5, w - 10, kInput);
    error_.resize(x + 5, y + h - kError - 2, w - 10, kError);
}

void ChatPane::on_enter(Fl_Widget*, void* p) {
    auto* c = static_cast<ChatPane*>(p);
    std::string text = c->input_.value();
    if (!text.empty() && c->send_(text)) c->input_.value("");
}

void ChatPane::show_lines(const std::vector<remote::ChatLine>& lines, const std::string& error) {
    std::string last = lines.empty() ? "" : remote::chat_display(lines.back());
    if (lines.size() != shown_ || last != last_) {
        list_.clear();
        for (const auto& l : lines) list_.add(remote::chat_display(l).c_str());
        shown_ = lines.size();
        last_ = last;
        if (list_.size() > 0) list_.bottomline(list_.size());
    }
    error_.copy_label(error.c_str());
}

void label_chat_button(Fl_Button& b, int unread) {
    b.copy_label(unread > 0 ? ("Chat (" + std::to_string(unread) + ")").c_str() : "Chat");
    b.color(unread > 0 ? FL_RED : FL_BACKGROUND_COLOR);
    b.labelcolor(unread > 0 ? FL_WHITE : FL_FOREGROUND_COLOR);
}

}  // namespace desk
