// The customer's (or the supporter's) clipboard as a session sees it
// (issue 19): text in UTF-8, watched and offered. Each OS implements it in
// a file of its own (X11: x11desktop/src/x11_clipboard.cpp, CLIPBOARD and
// PRIMARY; Windows would map both to its one clipboard). The policy (when
// to send, consent, the cap) is desktop/clipboard_sync.h's.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "remote/clipboard.h"

namespace desktop {

using remote::Selection;

// Another program took a selection: its text, or only its size when that is
// above the cap the watcher was given (the text is then not read to the end).
struct ClipboardChange {
    Selection sel = Selection::clipboard;
    std::string text;         // UTF-8; empty when too_large
    std::uint64_t size = 0;   // bytes (at least this many when too_large)
    bool too_large = false;
};

// Thread-safe; every call returns at once (work happens on the
// implementation's own thread).
class Clipboard {
public:
    using Listener = std::function<void(const ClipboardChange&)>;
    virtual ~Clipboard() = default;
    // Starts watching: `on_change` runs on an internal thread whenever
    // another program takes a selection (never for our own offers). Texts
    // longer than `cap` bytes are reported too_large.
    virtual void start(Listener on_change, std::uint64_t cap) = 0;
    // Stops watching, gives up what we own; idempotent.
    virtual void stop() = 0;
    // Owns `sel` with `text` until another program takes it or withdraw().
    virtual void offer(Selection sel, const std::string& text) = 0;
    // Gives up every selection we own (our offers are no longer pasted).
    virtual void withdraw() = 0;
    // Reports the current text of each selection another program owns, as
    // if it had just been taken.
    virtual void refresh() = 0;
};

}  // namespace desktop
