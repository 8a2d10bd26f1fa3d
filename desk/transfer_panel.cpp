#include "transfer_panel.h"

#include <FL/fl_draw.H>

#include "fit_label.h"
#include "platform/dirs.h"

namespace desk {
namespace {

constexpr unsigned kColorProblem = 0xB00020;  // dark red: a refused or failed transfer
constexpr int kButtonW = 110;                 // px
constexpr int kGap = 6;                       // px between buttons

bool received(const remote::TransferRow& r) {
    return r.direction == files::Direction::receive && r.state == remote::TransferState::done;
}

}  // namespace

TransferPanel::TransferPanel(int x, int y, int w, int h, remote::FileService& service, std::string peer_word)
    : Fl_Group(x, y, w, h),
      service_(service),
      peer_word_(std::move(peer_word)),
      list_(x, y, w, h - kButtons - kMessage),
      cancel_(x, y, kButtonW, kButtons - 4, "Cancel"),
      retry_(x, y, kButtonW, kButtons - 4, "Retry"),
      open_(x, y, kButtonW, kButtons - 4, "Open folder"),
      message_(x, y, w, kMessage) {
    list_.format_char(0);  // names come from the other side: no @-formatting
    list_.callback(on_select, this);
    cancel_.callback(on_cancel, this);
    retry_.callback(on_retry, this);
    open_.callback(on_open, this);
    cancel_.tooltip("Stop the selected transfer (or the newest one still going)");
    retry_.tooltip("Send the selected failed file again; what already arrived is kept (resume)");
    open_.copy_tooltip(("Show " + service_.download_dir() + " in the file manager").c_str());
    message_.box(FL_FLAT_BOX);
    message_.align(FL_ALIGN_LEFT | FL_ALIGN_INSIDE | FL_ALIGN_WRAP | FL_ALIGN_TOP);
    message_.labelcolor(fl_rgb_color((kColorProblem >> 16) & 0xff, (kColorProblem >> 8) & 0xff, kColorProblem & 0xff));
    message_.labelfont(FL_HELVETICA_BOLD);
    message_.labelsize(13);
    end();
    resizable(list_);
    layout();
}

void TransferPanel::resize(int x, int y, int w, int h) {
    Fl_Widget::resize(x, y, w, h);  // not Fl_Group's: layout() places the children
    layout();
}

void TransferPanel::layout() {
    list_.resize(x(), y(), w(), h() - kButtons - kMessage);
    int by = y() + h() - kButtons - kMessage + 2;
    cancel_.resize(x() + 4, by, kButtonW, kButtons - 4);
    retry_.resize(x() + 4 + (kButtonW + kGap), by, kButtonW, kButtons - 4);
    open_.resize(x() + 4 + 2 * (kButtonW + kGap), by, kButtonW, kButtons - 4);
    message_.resize(x(), y() + h() - kMessage, w(), kMessage);
}

long TransferPanel::target(const std::function<bool(const remote::TransferRow&)>& applies) const {
    int sel = list_.value();  // 1-based, 0: none
    if (sel > 0 && static_cast<std::size_t>(sel) <= rows_.size() && applies(rows_[sel - 1])) return sel - 1;
    for (long i = static_cast<long>(rows_.size()) - 1; i >= 0; --i)
        if (applies(rows_[static_cast<std::size_t>(i)])) return i;
    return -1;
}

void TransferPanel::on_cancel(Fl_Widget*, void* p) {
    auto* t = static_cast<TransferPanel*>(p);
    long row = t->target(remote::can_cancel);
    if (row >= 0) t->service_.cancel(static_cast<std::size_t>(row));
}

void TransferPanel::on_retry(Fl_Widget*, void* p) {
    auto* t = static_cast<TransferPanel*>(p);
    long row = t->target(remote::can_retry);
    if (row >= 0) t->service_.retry(static_cast<std::size_t>(row));
}

void TransferPanel::on_open(Fl_Widget*, void* p) {
    auto* t = static_cast<TransferPanel*>(p);
    if (!platform::open_folder(t->service_.download_dir()))
        t->message_.copy_label(("Could not open " + t->service_.download_dir() + ": is xdg-open installed?").c_str());
    fit_label(t->message_, 13);
}

void TransferPanel::on_select(Fl_Widget*, void* p) { static_cast<TransferPanel*>(p)->refresh(); }

void TransferPanel::refresh() {
    std::vector<remote::TransferRow> rows = service_.rows();
    int sel = list_.value();
    bool follow = sel == 0 || sel == list_.size();  // nothing picked, or the newest: keep the newest in view
    if (rows.size() != rows_.size()) list_.clear();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::string line = remote::transfer_line(rows[i], peer_word_);
        if (static_cast<int>(i) < list_.size()) {
            if (line != list_.text(static_cast<int>(i) + 1)) list_.text(static_cast<int>(i) + 1, line.c_str());
        } else {
            list_.add(line.c_str());
        }
    }
    if (follow && !rows.empty() && sel != 0) list_.value(list_.size());
    if (follow && !rows.empty()) list_.bottomline(list_.size());
    rows_ = std::move(rows);
    auto set = [](Fl_Button& b, bool on) { on ? b.activate() : b.deactivate(); };
    set(cancel_, target(remote::can_cancel) >= 0);
    set(retry_, target(remote::can_retry) >= 0);
    set(open_, target(received) >= 0);
    message_.copy_label(remote::problem_text(rows_).c_str());
    fit_label(message_, 13);
    redraw();
}

}  // namespace desk
