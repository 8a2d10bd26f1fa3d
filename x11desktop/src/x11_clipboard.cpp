// desktop::Clipboard on X11 (issue 19): CLIPBOARD and PRIMARY, watched
// with XFixes, read and served by the ICCCM rules: TARGETS, TIMESTAMP,
// UTF8_STRING (also as TEXT and text/plain;charset=utf-8), STRING
// (Latin-1) and INCR both ways for large texts. One X connection and one
// thread of its own; every public call only queues a command for it.
#include <algorithm>
#include <chrono>
#include <climits>
#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <poll.h>

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xfixes.h>

#include "x11desktop/x11.h"
#include "wake_pipe.h"

namespace x11desktop {
namespace {

using desktop::ClipboardChange;
using desktop::Selection;
using Clock = std::chrono::steady_clock;

// Above this a text is served in INCR pieces: GTK's and Qt's threshold is
// about the same (a quarter of the 256 KiB a request may carry without
// BIG-REQUESTS), so large texts reach every client, old or new.
constexpr std::size_t kIncrThreshold = 256 * 1024;  // bytes
constexpr std::size_t kIncrPiece = 64 * 1024;       // bytes per INCR property
// A selection owner that stops answering (or a requestor that stops
// deleting INCR pieces) is given up after this long without progress.
constexpr std::chrono::seconds kStall{5};
constexpr int kPollMs = 250;  // how often stalls are checked while idle

std::string latin1_to_utf8(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c < 0x80) out += static_cast<char>(c);
        else {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

// Characters outside Latin-1 become '?' (STRING cannot carry them).
std::string utf8_to_latin1(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        unsigned char c = s[i];
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (len == 2 && i + 1 < s.size()) {
            unsigned cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
            out += cp < 0x100 ? static_cast<char>(cp) : '?';
        } else {
            out += len == 1 && c < 0x80 ? static_cast<char>(c) : '?';
        }
        i += len;
    }
    return out;
}

// A requestor may destroy its window while we serve it (BadWindow): Xlib's
// default handler would end the program. Errors on the clipboards' own
// connections are ignored; every other connection keeps the handler it had.
std::mutex g_error_mu;
std::vector<Display*> g_quiet;
XErrorHandler g_previous = nullptr;

int quiet_error(Display* d, XErrorEvent* e) {
    XErrorHandler prev;
    {
        std::lock_guard<std::mutex> lk(g_error_mu);
        if (std::find(g_quiet.begin(), g_quiet.end(), d) != g_quiet.end()) return 0;
        prev = g_previous;
    }
    return prev ? prev(d, e) : 0;
}

void quiet_errors_on(Display* d, bool on) {
    std::lock_guard<std::mutex> lk(g_error_mu);
    if (on) {
        if (g_quiet.empty()) g_previous = XSetErrorHandler(quiet_error);
        g_quiet.push_back(d);
    } else {
        g_quiet.erase(std::remove(g_quiet.begin(), g_quiet.end(), d), g_quiet.end());
    }
}

class X11Clipboard : public desktop::Clipboard {
public:
    explicit X11Clipboard(const std::string& name) : dpy_(XOpenDisplay(name.empty() ? nullptr : name.c_str())) {
        if (!dpy_) throw std::runtime_error("cannot open X display '" + name + "'");
        quiet_errors_on(dpy_, true);
        int err;
        if (!XFixesQueryExtension(dpy_, &fixes_event_, &err)) {
            quiet_errors_on(dpy_, false);
            XCloseDisplay(dpy_);
            throw std::runtime_error("the X server has no XFixes: the clipboard cannot be shared");
        }
        const char* names[] = {"CLIPBOARD", "PRIMARY", "TARGETS", "TIMESTAMP", "UTF8_STRING", "TEXT",
                               "text/plain;charset=utf-8", "INCR", "TETHER_SELECTION", "TETHER_TIME", "ATOM_PAIR"};
        XInternAtoms(dpy_, const_cast<char**>(names), 11, False, atoms_);
        win_ = XCreateSimpleWindow(dpy_, DefaultRootWindow(dpy_), -10, -10, 1, 1, 0, 0, 0);
        XSelectInput(dpy_, win_, PropertyChangeMask);
        XFlush(dpy_);
    }
    ~X11Clipboard() override {
        stop();
        XDestroyWindow(dpy_, win_);
        XSync(dpy_, False);
        quiet_errors_on(dpy_, false);
        XCloseDisplay(dpy_);
    }

    void start(Listener on_change, std::uint64_t cap) override {
        std::lock_guard<std::mutex> lk(mu_);
        if (thread_.joinable()) return;
        listener_ = std::move(on_change);
        cap_ = cap;
        stopping_ = false;
        thread_ = std::thread([this] { loop(); });
    }
    void stop() override {
        {
            std::lock_guard<std::mutex> lk(mu_);
            if (!thread_.joinable()) return;
            stopping_ = true;
        }
        wake_.wake();
        thread_.join();
    }
    void offer(Selection sel, const std::string& text) override {
        post([this, sel, text] { own(sel, text); });
    }
    void withdraw() override {
        post([this] {
            for (Selection s : {Selection::clipboard, Selection::primary}) disown(s);
        });
    }
    void refresh() override {
        post([this] {
            for (Selection s : {Selection::clipboard, Selection::primary}) {
                Window owner = XGetSelectionOwner(dpy_, atom(s));
                if (owner != None && owner != win_) queue_read(s);
            }
        });
    }

private:
    enum { kClipboard, kPrimary, kTargets, kTimestamp, kUtf8, kText, kTextPlain, kIncr, kProp, kTime, kAtomPair };
    Atom atom(Selection s) const { return atoms_[s == Selection::primary ? kPrimary : kClipboard]; }

    void post(std::function<void()> f) {
        {
            std::lock_guard<std::mutex> lk(mu_);
            commands_.push_back(std::move(f));
        }
        wake_.wake();
    }

    void loop() {
        XFixesSelectSelectionInput(dpy_, win_, atoms_[kClipboard], XFixesSetSelectionOwnerNotifyMask);
        XFixesSelectSelectionInput(dpy_, win_, atoms_[kPrimary], XFixesSetSelectionOwnerNotifyMask);
        XFlush(dpy_);
        for (;;) {
            std::deque<std::function<void()>> cmds;
            {
                std::lock_guard<std::mutex> lk(mu_);
                if (stopping_) break;
                cmds.swap(commands_);
            }
            for (auto& c : cmds) c();
            while (XPending(dpy_)) {
                XEvent ev;
                XNextEvent(dpy_, &ev);
                dispatch(ev);
            }
            check_stalls();
            XFlush(dpy_);
            pollfd fds[2] = {{ConnectionNumber(dpy_), POLLIN, 0}, {wake_.fd(), POLLIN, 0}};
            if (poll(fds, 2, kPollMs) > 0 && (fds[1].revents & POLLIN)) wake_.drain();
        }
        for (Selection s : {Selection::clipboard, Selection::primary}) disown(s);
        XFixesSelectSelectionInput(dpy_, win_, atoms_[kClipboard], 0);
        XFixesSelectSelectionInput(dpy_, win_, atoms_[kPrimary], 0);
        reading_ = Reading{};
        pending_.clear();
        outgoing_.clear();
        XSync(dpy_, False);
    }

    void dispatch(XEvent& ev) {
        if (ev.type == fixes_event_ + XFixesSelectionNotify) {
            auto& fe = reinterpret_cast<XFixesSelectionNotifyEvent&>(ev);
            if (fe.owner != None && fe.owner != win_)
                queue_read(fe.selection == atoms_[kPrimary] ? Selection::primary : Selection::clipboard);
        } else if (ev.type == SelectionRequest) {
            serve(ev.xselectionrequest);
        } else if (ev.type == SelectionNotify) {
            converted(ev.xselection);
        } else if (ev.type == PropertyNotify) {
            property(ev.xproperty);
        }
    }

    // --- reading another program's selection --------------------------------

    struct Reading {
        bool active = false;
        Selection sel = Selection::clipboard;
        Atom target = None;
        bool incr = false;
        std::string data;
        Clock::time_point last_progress;
    };

    void queue_read(Selection s) {
        if (std::find(pending_.begin(), pending_.end(), s) == pending_.end()) pending_.push_back(s);
        next_read();
    }

    void next_read() {
        if (reading_.active || pending_.empty()) return;
        Selection s = pending_.front();
        pending_.pop_front();
        request(s, atoms_[kUtf8]);
    }

    void request(Selection s, Atom target) {
        reading_ = Reading{true, s, target, false, {}, Clock::now()};
        XDeleteProperty(dpy_, win_, atoms_[kProp]);
        XConvertSelection(dpy_, atom(s), target, atoms_[kProp], win_, CurrentTime);
    }

    void finish_read(bool ok, bool too_large = false, std::uint64_t size = 0) {
        Reading r = std::move(reading_);
        reading_ = Reading{};
        if (ok || too_large) {
            ClipboardChange c;
            c.sel = r.sel;
            c.too_large = too_large;
            if (!too_large) c.text = r.target == XA_STRING ? latin1_to_utf8(r.data) : std::move(r.data);
            c.size = too_large ? size : c.text.size();
            if (listener_) listener_(c);
        }
        next_read();
    }

    void converted(const XSelectionEvent& ev) {
        if (!reading_.active || ev.requestor != win_ || ev.selection != atom(reading_.sel)) return;
        if (ev.property == None) {  // no UTF-8 from this owner: try Latin-1 once
            if (reading_.target == atoms_[kUtf8]) request(reading_.sel, XA_STRING);
            else finish_read(false);
            return;
        }
        Atom type;
        int format;
        unsigned long n, after;
        unsigned char* data = nullptr;
        // At most cap + 4 bytes: enough to know the text is too large.
        long words = static_cast<long>(cap_ / 4 + 1);
        if (XGetWindowProperty(dpy_, win_, atoms_[kProp], 0, words, True, AnyPropertyType, &type, &format, &n,
                               &after, &data) != Success) {
            finish_read(false);
            return;
        }
        if (type == atoms_[kIncr]) {
            std::uint64_t hint = n >= 1 && format == 32 ? static_cast<std::uint64_t>(*reinterpret_cast<long*>(data)) : 0;
            XFree(data);
            if (hint > cap_) return finish_read(false, true, hint);
            reading_.incr = true;  // deleting the INCR property asked for the first piece
            reading_.last_progress = Clock::now();
            return;
        }
        std::uint64_t total = n * (format / 8) + after;
        if (format == 8 && data) reading_.data.assign(reinterpret_cast<char*>(data), n);
        if (data) XFree(data);
        if (total > cap_) {
            XDeleteProperty(dpy_, win_, atoms_[kProp]);
            return finish_read(false, true, total);
        }
        finish_read(format == 8);
    }

    void incr_piece() {
        Atom type;
        int format;
        unsigned long n, after;
        unsigned char* data = nullptr;
        if (XGetWindowProperty(dpy_, win_, atoms_[kProp], 0, LONG_MAX / 4, True, AnyPropertyType, &type, &format, &n,
                               &after, &data) != Success)
            return finish_read(false);
        std::size_t bytes = format == 8 ? n : 0;
        if (data) {
            reading_.data.append(reinterpret_cast<char*>(data), bytes);
            XFree(data);
        }
        reading_.last_progress = Clock::now();
        if (reading_.data.size() > cap_) return finish_read(false, true, reading_.data.size());
        if (bytes == 0) finish_read(true);  // the empty piece ends an INCR transfer
    }

    // --- serving our own text --------------------------------------------------

    struct Owned {
        bool owned = false;
        Time since = CurrentTime;
        std::string text;
    };

    // A server timestamp (ICCCM: never own a selection at CurrentTime): an
    // empty append to our own property comes back as a PropertyNotify.
    Time server_time() {
        XChangeProperty(dpy_, win_, atoms_[kTime], XA_INTEGER, 8, PropModeAppend, nullptr, 0);
        XEvent ev;
        struct Want { Window w; Atom a; } want{win_, atoms_[kTime]};
        XIfEvent(dpy_, &ev,
                 [](Display*, XEvent* e, XPointer p) -> Bool {
                     auto* w = reinterpret_cast<Want*>(p);
                     return e->type == PropertyNotify && e->xproperty.window == w->w && e->xproperty.atom == w->a;
                 },
                 reinterpret_cast<XPointer>(&want));
        return ev.xproperty.time;
    }

    void own(Selection s, const std::string& text) {
        Owned& o = owned_[static_cast<int>(s)];
        o.text = text;
        o.since = server_time();
        XSetSelectionOwner(dpy_, atom(s), win_, o.since);
        o.owned = XGetSelectionOwner(dpy_, atom(s)) == win_;
    }

    void disown(Selection s) {
        Owned& o = owned_[static_cast<int>(s)];
        if (o.owned && XGetSelectionOwner(dpy_, atom(s)) == win_) XSetSelectionOwner(dpy_, atom(s), None, o.since);
        o = Owned{};
    }

    struct Outgoing {
        std::string data;
        std::size_t offset = 0;
        Atom type = None;
        Clock::time_point last_progress;
    };

    void serve(const XSelectionRequestEvent& rq) {
        XSelectionEvent reply{};
        reply.type = SelectionNotify;
        reply.display = rq.display;
        reply.requestor = rq.requestor;
        reply.selection = rq.selection;
        reply.target = rq.target;
        reply.time = rq.time;
        Atom prop = rq.property == None ? rq.target : rq.property;  // obsolete requestors
        reply.property = answer(rq, prop) ? prop : None;
        XSendEvent(dpy_, rq.requestor, False, NoEventMask, reinterpret_cast<XEvent*>(&reply));
    }

    bool answer(const XSelectionRequestEvent& rq, Atom prop) {
        Selection s = rq.selection == atoms_[kPrimary] ? Selection::primary : Selection::clipboard;
        const Owned& o = owned_[static_cast<int>(s)];
        if (rq.owner != win_ || !o.owned) return false;
        if (rq.target == atoms_[kTargets]) {
            Atom targets[] = {atoms_[kTargets], atoms_[kTimestamp], atoms_[kUtf8], atoms_[kText], atoms_[kTextPlain],
                              XA_STRING};
            XChangeProperty(dpy_, rq.requestor, prop, XA_ATOM, 32, PropModeReplace,
                            reinterpret_cast<unsigned char*>(targets), 6);
            return true;
        }
        if (rq.target == atoms_[kTimestamp]) {
            long t = static_cast<long>(o.since);
            XChangeProperty(dpy_, rq.requestor, prop, XA_INTEGER, 32, PropModeReplace,
                            reinterpret_cast<unsigned char*>(&t), 1);
            return true;
        }
        if (rq.target == XA_STRING) return put(rq.requestor, prop, XA_STRING, utf8_to_latin1(o.text));
        if (rq.target == atoms_[kUtf8] || rq.target == atoms_[kText])
            return put(rq.requestor, prop, atoms_[kUtf8], o.text);
        if (rq.target == atoms_[kTextPlain]) return put(rq.requestor, prop, rq.target, o.text);
        return false;  // MULTIPLE and images are not offered (TARGETS says so)
    }

    bool put(Window requestor, Atom prop, Atom type, const std::string& data) {
        if (data.size() <= kIncrThreshold) {
            XChangeProperty(dpy_, requestor, prop, type, 8, PropModeReplace,
                            reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
            return true;
        }
        // INCR: the requestor deletes this property, we write the next piece, ...
        XSelectInput(dpy_, requestor, PropertyChangeMask);
        long size = static_cast<long>(data.size());
        XChangeProperty(dpy_, requestor, prop, atoms_[kIncr], 32, PropModeReplace,
                        reinterpret_cast<unsigned char*>(&size), 1);
        outgoing_[{requestor, prop}] = Outgoing{data, 0, type, Clock::now()};
        return true;
    }

    void next_piece(std::map<std::pair<Window, Atom>, Outgoing>::iterator it) {
        Outgoing& o = it->second;
        std::size_t n = std::min(kIncrPiece, o.data.size() - o.offset);
        XChangeProperty(dpy_, it->first.first, it->first.second, o.type, 8, PropModeReplace,
                        reinterpret_cast<const unsigned char*>(o.data.data() + o.offset), static_cast<int>(n));
        o.offset += n;
        o.last_progress = Clock::now();
        if (n == 0) {  // the empty piece was written: done
            XSelectInput(dpy_, it->first.first, NoEventMask);
            outgoing_.erase(it);
        }
    }

    void property(const XPropertyEvent& ev) {
        if (ev.window == win_ && ev.atom == atoms_[kProp] && ev.state == PropertyNewValue && reading_.active &&
            reading_.incr)
            return incr_piece();
        if (ev.state != PropertyDelete) return;
        auto it = outgoing_.find({ev.window, ev.atom});
        if (it != outgoing_.end()) next_piece(it);
    }

    void check_stalls() {
        auto now = Clock::now();
        if (reading_.active && now - reading_.last_progress > kStall) finish_read(false);
        for (auto it = outgoing_.begin(); it != outgoing_.end();) {
            if (now - it->second.last_progress > kStall) it = outgoing_.erase(it);
            else ++it;
        }
    }

    Display* dpy_;
    Window win_;
    int fixes_event_ = 0;
    Atom atoms_[11];
    WakePipe wake_;
    std::mutex mu_;  // commands_, stopping_, start/stop
    std::deque<std::function<void()>> commands_;
    bool stopping_ = false;
    std::thread thread_;
    // The loop thread's own state.
    Listener listener_;
    std::uint64_t cap_ = 0;
    Reading reading_;
    std::deque<Selection> pending_;
    Owned owned_[2];
    std::map<std::pair<Window, Atom>, Outgoing> outgoing_;
};

}  // namespace

std::unique_ptr<desktop::Clipboard> make_x11_clipboard(const std::string& display) {
    return std::make_unique<X11Clipboard>(display);
}

}  // namespace x11desktop
