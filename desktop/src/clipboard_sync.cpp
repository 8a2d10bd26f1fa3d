#include "desktop/clipboard_sync.h"

namespace desktop {

ClipboardSync::ClipboardSync(Clipboard& clipboard, ClipboardSyncOptions opts, SendLine send, Notice notice)
    : clipboard_(clipboard), opts_(std::move(opts)), send_(std::move(send)), notice_(std::move(notice)) {}

ClipboardSync::~ClipboardSync() { stop(); }

void ClipboardSync::start() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (started_) return;
        started_ = true;
    }
    clipboard_.start([this](const ClipboardChange& c) { local_change(c); }, remote::kClipboardCap);
}

void ClipboardSync::stop() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!started_) return;
        started_ = false;
        enabled_ = false;
    }
    clipboard_.stop();
}

void ClipboardSync::set_enabled(bool on) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!started_ || on == enabled_) return;
        enabled_ = on;
    }
    if (on && opts_.send_current_on_enable) clipboard_.refresh();
    if (!on && opts_.withdraw_on_disable) clipboard_.withdraw();
}

// Runs on the clipboard's thread; the lines go out one by one, so a
// consent line or a pong can pass between two pieces.
void ClipboardSync::local_change(const ClipboardChange& c) {
    std::uint64_t id;
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!enabled_) return;
        id = next_id_++;
    }
    try {
        if (c.too_large) {
            send_(remote::encode_clipboard_refused(c.sel, c.size));
            if (notice_)
                notice_("The copied text (" + remote::clipboard_size_words(c.size) + ") was not sent to " + opts_.peer +
                        ": the clipboard shares at most 1 MiB of text.");
            return;
        }
        for (const auto& line : remote::encode_clipboard(c.sel, id, c.text)) send_(line);
        std::lock_guard<std::mutex> lk(mu_);
        ++sent_;
    } catch (const std::exception&) {
        // The control channel is gone: the session is ending anyway.
    }
}

bool ClipboardSync::handle(const remote::Message& m) {
    if (!remote::ClipboardAssembler::is_clipboard(m)) return false;
    auto r = assembler_.add(m);
    {
        std::lock_guard<std::mutex> lk(mu_);
        if (!enabled_) return true;  // no consent (customer) or not shared now: dropped
        if (r.text) ++received_;
    }
    if (r.text) clipboard_.offer(r.text->sel, r.text->text);
    if (r.refused && notice_)
        notice_("The text " + opts_.peer + " copied (" + remote::clipboard_size_words(r.refused->size) +
                ") is too large to share: the clipboard takes at most 1 MiB of text.");
    return true;
}

std::uint64_t ClipboardSync::texts_sent() const {
    std::lock_guard<std::mutex> lk(mu_);
    return sent_;
}

std::uint64_t ClipboardSync::texts_received() const {
    std::lock_guard<std::mutex> lk(mu_);
    return received_;
}

}  // namespace desktop
